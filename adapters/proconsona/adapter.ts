/**
 * The ProConsona adapter: reads persons by identity code from the read-only
 * views in one round of SELECTs per batch, links legacy HETU values
 * (identity.ts) and maps the rows (map.ts).
 */
import {
  AdapterError,
  BEGINNING_OF_TIME,
  checkHetu,
  emptyRecords,
  issue,
  p2,
  parseInstant,
  toHelsinkiLocal,
  type ChangedPage,
  type Consent,
  type Customership,
  type Decision,
  type Fee,
  type Plan,
  type ChangedPerson,
  type InstanceId,
  type PersonDirectory,
  type PersonSlot,
  type ReadOptions,
  type RecordIssue,
  type SourceAdapter,
  type SourceRecords,
} from '../../domain/index.ts';
import { type AdapterConfig } from '../wire/adapterConfig.ts';
import { linkRow, signlessCandidates, type DirectoryAnswer, type RowLink } from './identity.ts';
import { asiakasPosition, mapConsents, mapCustomerships, mapDecisions, mapFees, mapPerson, mapPlans, parseMuutettu } from './map.ts';
import type { Row } from './format.ts';
import {
  DEPENDENT_ID_COLUMNS,
  EXPECTED_COLUMNS,
  keysFor,
  SELECT_ASIAKAS,
  SELECT_ASIAKKUUS,
  SELECT_CHANGED,
  SELECT_DEPENDENTS,
  SELECT_MAKSU,
  SELECT_PAATOS,
  SELECT_SUOSTUMUS,
  SELECT_SUUNNITELMA,
} from './sql.ts';
import { SqlTransport, type QueryResult } from './transport.ts';

/** Rows per listChanged page. */
export const CHANGED_PAGE_SIZE = 500;

export interface ProconsonaAdapterOptions {
  /** The population register, to link codes that lack their century sign. Without it such rows stay unlinked. */
  readonly directory?: PersonDirectory;
  /** Pooled connections (default 4). */
  readonly poolSize?: number;
  /** Rows per listChanged page (default CHANGED_PAGE_SIZE). */
  readonly changedPageSize?: number;
}

/** Creates the adapter for one ProConsona instance (`config.address` is a PostgreSQL connection string). */
export function createProconsonaAdapter(config: AdapterConfig, options: ProconsonaAdapterOptions = {}): SourceAdapter {
  return new ProconsonaAdapter(config, options);
}

type View = keyof typeof EXPECTED_COLUMNS;

/** Link preference when several rows link to one person: canonical, then normalised; then lowest ASIAKAS_ID. */
const RANK: Readonly<Record<string, number>> = { valid: 0, normalised: 1 };

interface LinkedRow {
  readonly row: Row;
  readonly link: Extract<RowLink, { kind: 'valid' | 'normalised' }>;
}

class ProconsonaAdapter implements SourceAdapter {
  readonly product = 'proconsona' as const;
  readonly instance: InstanceId;
  private readonly transport: SqlTransport;

  constructor(
    config: AdapterConfig,
    private readonly options: ProconsonaAdapterOptions,
  ) {
    this.instance = config.instance;
    this.transport = new SqlTransport(config, options.poolSize !== undefined ? { poolSize: options.poolSize } : {});
  }

  async readPersons(hetus: readonly string[], options: ReadOptions = {}): Promise<PersonSlot[]> {
    const slots: PersonSlot[] = new Array(hetus.length);
    const wanted = new Set<string>();
    hetus.forEach((h, i) => {
      const c = checkHetu(h);
      if (c.ok) wanted.add(h);
      else
        slots[i] = new AdapterError(
          'INVALID_IDENTITY_CODE',
          this.instance,
          `expected a personal identity code, received one where ${c.reason}`,
        );
    });
    if (wanted.size === 0) return slots;

    let reads: Map<string, { records: SourceRecords; issues: RecordIssue[] }>;
    try {
      reads = await this.readBatch([...wanted], options.signal);
    } catch (err) {
      if (!(err instanceof AdapterError)) throw err;
      hetus.forEach((h, i) => {
        if (wanted.has(h)) slots[i] = err;
      });
      return slots;
    }
    hetus.forEach((h, i) => {
      if (wanted.has(h)) slots[i] = reads.get(h)!;
    });
    return slots;
  }

  /** One round of six SELECTs for all codes, then linking and mapping. */
  private async readBatch(codes: string[], signal?: AbortSignal) {
    const keys = keysFor(codes);
    const [asiakas, asiakkuus, paatos, suunnitelma, maksu, suostumus] = await Promise.all([
      this.select('V_ASIAKAS', SELECT_ASIAKAS, [keys], signal),
      this.select('V_ASIAKKUUS', SELECT_ASIAKKUUS, [keys], signal),
      this.select('V_PAATOS', SELECT_PAATOS, [keys], signal),
      this.select('V_SUUNNITELMA', SELECT_SUUNNITELMA, [keys], signal),
      this.select('V_MAKSU', SELECT_MAKSU, [keys], signal),
      this.select('V_SUOSTUMUS', SELECT_SUOSTUMUS, [keys], signal),
    ]);
    const directory = await this.askDirectory(signlessCandidates(asiakas.map((r) => r.HETU)));

    const wanted = new Set(codes);
    const linked = new Map<string, LinkedRow[]>();
    const unlinked = new Map<string, RecordIssue[]>();
    const malformed = new Map<string, RecordIssue[]>();
    for (const row of asiakas) {
      const link = linkRow(row.HETU, row.SUKUNIMI, directory);
      const position = asiakasPosition(row.ASIAKAS_ID);
      if (link.kind === 'valid' || link.kind === 'normalised') {
        if (!wanted.has(link.hetu)) continue; // a sign-less row restored to someone else
        if (typeof row.ASIAKAS_ID !== 'number' || !Number.isInteger(row.ASIAKAS_ID)) {
          push(
            malformed,
            link.hetu,
            issue('MALFORMED_RECORD', this.instance, position, 'expected ASIAKAS_ID as an integer, received a value of another type'),
          );
          continue;
        }
        push(linked, link.hetu, { row, link });
      } else if (link.kind === 'unlinked') {
        for (const c of link.candidates) {
          if (wanted.has(c)) push(unlinked, c, issue('UNLINKED_RECORD', this.instance, position, link.reason));
        }
      }
    }

    const byClient = (rows: readonly Row[]): Map<number, Row[]> => {
      const m = new Map<number, Row[]>();
      for (const r of rows) if (typeof r.ASIAKAS_ID === 'number') push(m, r.ASIAKAS_ID, r);
      return m;
    };
    const children = {
      asiakkuus: byClient(asiakkuus),
      paatos: byClient(paatos),
      suunnitelma: byClient(suunnitelma),
      maksu: byClient(maksu),
      suostumus: byClient(suostumus),
    };

    const out = new Map<string, { records: SourceRecords; issues: RecordIssue[] }>();
    for (const hetu of codes) {
      const issues: RecordIssue[] = [...(malformed.get(hetu) ?? []), ...(unlinked.get(hetu) ?? [])];
      const rows = (linked.get(hetu) ?? []).sort(
        (a, b) => RANK[a.link.kind]! - RANK[b.link.kind]! || (a.row.ASIAKAS_ID as number) - (b.row.ASIAKAS_ID as number),
      );
      if (rows.length === 0) {
        out.set(hetu, { records: emptyRecords(hetu, this.instance), issues });
        continue;
      }
      let person: SourceRecords['person'];
      const records = {
        customerships: [] as Customership[],
        decisions: [] as Decision[],
        plans: [] as Plan[],
        fees: [] as Fee[],
        consents: [] as Consent[],
      };
      for (const { row, link } of rows) {
        if (link.kind === 'normalised') {
          issues.push(issue('NORMALISED_IDENTITY_CODE', this.instance, asiakasPosition(row.ASIAKAS_ID), link.reason));
        }
        const mapped = mapPerson(this.instance, hetu, row, issues);
        person ??= mapped.person;
        const id = row.ASIAKAS_ID as number;
        const m = mapped.municipality;
        records.customerships.push(...mapCustomerships(this.instance, m, children.asiakkuus.get(id) ?? [], issues));
        records.decisions.push(...mapDecisions(this.instance, m, children.paatos.get(id) ?? [], issues));
        records.plans.push(...mapPlans(this.instance, m, children.suunnitelma.get(id) ?? [], issues));
        records.fees.push(...mapFees(this.instance, m, children.maksu.get(id) ?? [], issues));
        records.consents.push(...mapConsents(this.instance, m, children.suostumus.get(id) ?? [], issues));
      }
      out.set(hetu, {
        records: { hetu, instance: this.instance, ...(person && { person }), appointments: [], ...records },
        issues,
      });
    }
    return out;
  }

  async *listChanged(since: string, options: { signal?: AbortSignal } = {}): AsyncIterable<ChangedPage> {
    const sinceMs = parseInstant(since);
    if (Number.isNaN(sinceMs)) throw new RangeError('listChanged expects an ISO 8601 instant with an offset.');
    const l = toHelsinkiLocal(sinceMs);
    const sinceLocal = `${String(l.year).padStart(4, '0')}-${p2(l.month)}-${p2(l.day)} ${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}`;
    // Rows with no MUUTETTU cannot be placed in time: only a full listing includes them.
    const full = sinceMs <= parseInstant(BEGINNING_OF_TIME);
    const pageSize = this.options.changedPageSize ?? CHANGED_PAGE_SIZE;
    let after: number | null = null;
    for (;;) {
      // One row more than a page tells whether another page follows, without an empty last page.
      const fetched = await this.select('CHANGED', SELECT_CHANGED, [sinceLocal, full, after, pageSize + 1], options.signal);
      const rows = fetched.slice(0, pageSize);
      yield await this.changedPage(rows);
      const last = rows[rows.length - 1]?.ASIAKAS_ID;
      if (fetched.length <= pageSize || typeof last !== 'number') return;
      after = last;
    }
  }

  private async changedPage(rows: readonly Row[]): Promise<ChangedPage> {
    const directory = await this.askDirectory(signlessCandidates(rows.map((r) => r.HETU)));
    const persons: ChangedPerson[] = [];
    const issues: RecordIssue[] = [];
    // Clients linked to no one: their customerships, decisions, plans, fees and consents are reported with them.
    const links = rows.map((row) => linkRow(row.HETU, row.SUKUNIMI, directory));
    const orphans = rows.filter((row, i) => links[i]!.kind !== 'valid' && links[i]!.kind !== 'normalised').map((row) => row.ASIAKAS_ID);
    const dependents = await this.dependentsOf(orphans.filter((id): id is number => typeof id === 'number' && Number.isInteger(id)));
    rows.forEach((row, i) => {
      const position = asiakasPosition(row.ASIAKAS_ID);
      const link = links[i]!;
      const extra = { dependents: (typeof row.ASIAKAS_ID === 'number' && dependents.get(row.ASIAKAS_ID)) || [] };
      switch (link.kind) {
        case 'missing':
          issues.push(
            issue('UNLINKED_RECORD', this.instance, position, 'expected HETU, received NULL, so the client is attached to no one', extra),
          );
          return;
        case 'invalid':
          issues.push(issue('INVALID_IDENTITY_CODE', this.instance, position, link.reason, extra));
          return;
        case 'unlinked':
          issues.push(issue('UNLINKED_RECORD', this.instance, position, link.reason, extra));
          return;
      }
      const kunta = typeof row.KUNTA_KOODI === 'string' ? row.KUNTA_KOODI.trim() : '';
      let changedAt: string | undefined;
      if (typeof row.MUUTETTU === 'string') {
        const r = parseMuutettu(row.MUUTETTU);
        if (r.ok) changedAt = r.instant;
        else issues.push(issue('MALFORMED_RECORD', this.instance, position, r.reason));
      }
      persons.push({
        hetu: link.hetu,
        ...(typeof row.ASIAKAS_ID === 'number' && { localId: String(row.ASIAKAS_ID) }),
        ...(kunta !== '' && { municipality: kunta }),
        ...(changedAt !== undefined && { changedAt }),
      });
    });
    return { persons, issues };
  }

  /** Positions of every record of these clients, per ASIAKAS_ID (one SELECT; none when there are no ids). */
  private async dependentsOf(ids: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (ids.length === 0) return out;
    for (const r of await this.select('DEPENDENTS', SELECT_DEPENDENTS, [ids])) {
      const view = String(r.VIEW);
      if (typeof r.ASIAKAS_ID === 'number') push(out, r.ASIAKAS_ID, `${view} ${DEPENDENT_ID_COLUMNS[view] ?? 'ID'}=${String(r.ID)}`);
    }
    return out;
  }

  /** Asks the register about candidate codes, once per batch or page. */
  private async askDirectory(candidates: string[]): Promise<DirectoryAnswer> {
    if (candidates.length === 0) return new Map();
    const directory = this.options.directory;
    if (!directory) return 'none';
    try {
      const surnames = await directory.surnames(candidates);
      return new Map(candidates.map((c, i) => [c, surnames[i] ?? null]));
    } catch {
      // The register being down must not fail the whole read: such rows stay unlinked, and say why.
      return 'failed';
    }
  }

  /** Runs a SELECT and checks the answer has the expected columns. */
  private async select(view: View, text: string, values: unknown[], signal?: AbortSignal): Promise<readonly Row[]> {
    const result: QueryResult = await this.transport.query(text, values, signal);
    const expected = EXPECTED_COLUMNS[view];
    const have = new Set(result.columns);
    if (!expected.every((c) => have.has(c))) {
      throw new AdapterError(
        'MALFORMED_RESPONSE',
        this.instance,
        `expected ${view === 'CHANGED' ? 'V_ASIAKAS' : view} columns ${expected.join(', ')}, received other columns`,
      );
    }
    return result.rows;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
