/**
 * The Pegasos adapter: per person `Q_POTILAS`, then `Q_AJANVARAUKSET` and
 * `Q_MAKSUT` per fee year over pooled MLLP connections; changed patients by
 * `Q_MUUTTUNEET` with DSC continuation. Pegasos offers no care plans.
 */
import {
  AdapterError,
  checkHetu,
  emptyRecords,
  helsinkiToday,
  parseInstant,
  type ChangedPage,
  type Fee,
  type PersonSlot,
  type ReadOptions,
  type RecordIssue,
  type SourceAdapter,
} from '../../domain/index.ts';
import { type AdapterConfig } from '../wire/adapterConfig.ts';
import { answerLimits } from '../wire/answerLimits.ts';
import { mapBounded } from '../wire/concurrency.ts';
import { readAnswer, type QueryAnswer } from './answer.ts';
import { buildQuery, CHANGED_PAGE_ROWS, helsinkiStamp, type QueryName } from './format.ts';
import { mapAppointments, mapChanged, mapFees, mapPatient } from './map.ts';
import { MllpClient } from './transport.ts';

/** Persons read at once; the connection pool bounds the queries in flight anyway. */
const PERSON_CONCURRENCY = 8;
/** A listing longer than this many pages is taken as a source looping its pointer. */
const MAX_CHANGED_PAGES = 100_000;

/** Creates the adapter for a Pegasos instance; `config.address` is `host:port`. */
export function createPegasosAdapter(config: AdapterConfig, options: { poolSize?: number } = {}): SourceAdapter {
  const instance = config.instance;
  const client = new MllpClient({
    instance,
    address: config.address,
    timeoutMs: config.timeoutMs,
    ...(config.tls && { tls: config.tls }),
    ...(config.concurrency !== undefined && { poolSize: config.concurrency }),
    maxFrameBytes: answerLimits('pegasos', config.limits).maxResponseBytes,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  let sequence = 0;

  /** Sends one query and reads its answer header; rejects with the AdapterError it amounts to. */
  async function ask(
    query: QueryName,
    params: (string | undefined)[],
    extra: { maxRows?: number; continuation?: string; signal?: AbortSignal } = {},
  ): Promise<QueryAnswer> {
    const n = ++sequence;
    const controlId = `RG${n}`;
    const tag = `T${n}`;
    const text = await client.request(
      buildQuery({
        controlId,
        tag,
        query,
        params,
        now: config.clock.now().getTime(),
        ...(extra.maxRows !== undefined ? { maxRows: extra.maxRows } : {}),
        ...(extra.continuation !== undefined ? { continuation: extra.continuation } : {}),
      }),
      extra.signal,
    );
    const answer = readAnswer(text, { instance, query, controlId, tag });
    if (answer instanceof AdapterError) throw answer;
    return answer;
  }

  async function readOne(hetu: string, options: ReadOptions): Promise<PersonSlot> {
    const check = checkHetu(hetu);
    if (!check.ok)
      return new AdapterError('INVALID_IDENTITY_CODE', instance, `Expected a valid identity code, received one where ${check.reason}.`);
    const signal = options.signal;
    try {
      const patient = await ask('Q_POTILAS', [hetu], { ...(signal ? { signal } : {}) });
      if (patient.status === 'NF') return { records: emptyRecords(hetu, instance), issues: [] };
      const p = mapPatient(patient.body, { instance, hetu });
      if (p instanceof AdapterError) return p;
      const ctx = { instance, hetu, municipality: p.municipality };
      const years = options.feeYears ?? defaultFeeYears();
      const [appts, ...fees] = await Promise.all([
        ask('Q_AJANVARAUKSET', [hetu, compactDate(options.appointmentsFrom), compactDate(options.appointmentsTo)], {
          ...(signal ? { signal } : {}),
        }),
        ...years.map((y) => ask('Q_MAKSUT', [hetu, String(y)], { ...(signal ? { signal } : {}) })),
      ]);
      const issues: RecordIssue[] = [...p.issues];
      const a = appts!.status === 'NF' ? { appointments: [], issues: [] } : mapAppointments(appts!.body, ctx);
      if (a instanceof AdapterError) return a;
      issues.push(...a.issues);
      const allFees: Fee[] = [];
      const seen = new Set<string>();
      for (const [i, answer] of fees.entries()) {
        if (answer.status === 'NF') continue;
        const f = mapFees(answer.body, { ...ctx, year: years[i]! });
        if (f instanceof AdapterError) return f;
        issues.push(...f.issues);
        // The same fee asked under two years (a repeated year in feeYears) is one fee.
        for (const fee of f.fees) {
          if (seen.has(fee.source.localId)) continue;
          seen.add(fee.source.localId);
          allFees.push(fee);
        }
      }
      return {
        records: {
          ...emptyRecords(hetu, instance),
          ...(p.person ? { person: p.person } : {}),
          appointments: a.appointments,
          fees: allFees,
        },
        issues,
      };
    } catch (err) {
      if (err instanceof AdapterError) return err;
      throw err;
    }
  }

  function defaultFeeYears(): number[] {
    const year = Number(helsinkiToday(config.clock).slice(0, 4));
    return [year, year - 1, year - 2];
  }

  return {
    instance,
    product: 'pegasos',

    async readPersons(hetus, options = {}) {
      return mapBounded(hetus, PERSON_CONCURRENCY, (hetu) => readOne(hetu, options));
    },

    async *listChanged(since, options = {}): AsyncGenerator<ChangedPage> {
      const epoch = parseInstant(since);
      if (Number.isNaN(epoch)) throw new RangeError('Expected since as an ISO 8601 instant with offset.');
      const signal = options.signal;
      let continuation: string | undefined;
      for (let page = 1; page <= MAX_CHANGED_PAGES; page++) {
        const answer = await ask('Q_MUUTTUNEET', [helsinkiStamp(epoch)], {
          maxRows: CHANGED_PAGE_ROWS,
          ...(continuation !== undefined ? { continuation } : {}),
          ...(signal ? { signal } : {}),
        });
        const mapped = answer.status === 'NF' ? { persons: [], issues: [] } : mapChanged(answer.body, { instance, page });
        yield { persons: mapped.persons, issues: mapped.issues };
        const pointer = 'continuation' in mapped ? mapped.continuation : undefined;
        if (pointer === undefined) return;
        if (pointer === continuation)
          throw new AdapterError(
            'MALFORMED_RESPONSE',
            instance,
            'Q_MUUTTUNEET answer: expected a new DSC-1 continuation pointer, received the previous one again.',
          );
        continuation = pointer;
      }
      throw new AdapterError(
        'MALFORMED_RESPONSE',
        instance,
        `Q_MUUTTUNEET answer: expected the listing to end within ${MAX_CHANGED_PAGES} pages, received more.`,
      );
    },

    close: () => client.close(),
  };
}

/** `YYYY-MM-DD` → `YYYYMMDD` (QPD-4/5). */
function compactDate(date: string | undefined): string | undefined {
  return date === undefined ? undefined : date.replaceAll('-', '');
}
