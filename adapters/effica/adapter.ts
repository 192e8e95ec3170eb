/**
 * The Sosiaali Effica adapter: one GET per client (the interface has no
 * batch), a few at a time, and the changed-clients listing paged to its end.
 */
import { AdapterError, checkHetu, emptyRecords, parseInstant, toHelsinkiLocal } from '../../domain/index.ts';
import type { ChangedPage, Instant, PersonSlot, ReadOptions, SourceAdapter } from '../../domain/index.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { mapBounded } from '../wire/concurrency.ts';
import { changedPath, clientPath, formatTimestamp } from './format.ts';
import { readChangedPage, readClientAnswer } from './map.ts';
import { TransportFailure } from '../wire/transportFailure.ts';
import { EfficaTransport } from './transport.ts';

/** Requests in flight at once, per instance. */
const CONCURRENCY = 6;
/** A listing longer than this many pages is taken as a broken service, not read forever. */
const MAX_PAGES = 10_000;

/**
 * Creates the adapter of one Effica instance. Effica returns every fee of
 * a client in one document, so `feeYears` does not narrow what is read.
 */
export function createEfficaAdapter(config: AdapterConfig): SourceAdapter {
  const { instance } = config;
  const concurrency = config.concurrency ?? CONCURRENCY;
  const transport = new EfficaTransport(config, concurrency);
  const error = (code: AdapterError['code'], reason: string, cause?: unknown) =>
    new AdapterError(code, instance, `${instance}: ${reason}`, cause === undefined ? undefined : { cause });

  const unavailable = (err: unknown): AdapterError => {
    if (err instanceof TransportFailure && err.kind === 'tooLarge') return error('MALFORMED_RESPONSE', err.message, err);
    if (err instanceof TransportFailure) return error('SOURCE_UNAVAILABLE', `expected an answer, but ${err.message}`, err);
    throw err;
  };

  const readOne = async (hetu: string, signal?: AbortSignal): Promise<PersonSlot> => {
    const check = checkHetu(hetu);
    if (!check.ok) return error('INVALID_IDENTITY_CODE', `expected a valid identity code, received one where ${check.reason}`);
    let answer;
    try {
      answer = await transport.get(clientPath(instance, hetu), signal);
    } catch (err) {
      return unavailable(err);
    }
    const reading = readClientAnswer(answer, instance, hetu);
    if (reading.kind === 'read') return reading.read;
    if (reading.kind === 'notFound') return { records: emptyRecords(hetu, instance), issues: [] };
    return error(reading.code, reading.reason);
  };

  return {
    instance,
    product: 'effica',

    async readPersons(hetus: readonly string[], options?: ReadOptions): Promise<PersonSlot[]> {
      // The same code twice in one batch is asked once.
      const unique = [...new Set(hetus)];
      const slots = await mapBounded(unique, concurrency, (h) => readOne(h, options?.signal));
      const byCode = new Map(unique.map((h, i) => [h, slots[i]!]));
      return hetus.map((h) => byCode.get(h)!);
    },

    async *listChanged(since: Instant, options?: { signal?: AbortSignal }): AsyncIterable<ChangedPage> {
      const epochMs = parseInstant(since);
      if (Number.isNaN(epochMs)) throw new RangeError('listChanged expects an ISO 8601 instant with an offset.');
      // `alkaen` is Helsinki local time, inclusive ("starting from").
      const alkaen = formatTimestamp(toHelsinkiLocal(epochMs));
      for (let sivu = 1, sivuja = 1; sivu <= sivuja; sivu++) {
        let answer;
        try {
          answer = await transport.get(changedPath(instance, alkaen, sivu), options?.signal);
        } catch (err) {
          throw unavailable(err);
        }
        const page = readChangedPage(answer, instance, sivu);
        if (page.kind === 'error') throw error(page.code, page.reason);
        if (page.sivuja > MAX_PAGES) throw error('MALFORMED_RESPONSE', `expected at most ${MAX_PAGES} pages, received a listing of more`);
        sivuja = page.sivuja;
        yield { persons: page.persons, issues: page.issues };
      }
    },

    close: () => transport.close(),
  };
}
