/**
 * The Lifecare adapter: per person, HaePotilas, HaeKaynnit,
 * HaeSuunnitelmat and HaeMaksut (one call per fee year) concurrently, the
 * raw responses mapped by map.ts; listChanged pages through HaeMuuttuneet.
 */
import type { ChangedPage, PersonSlot, ReadOptions, SourceAdapter } from '../../domain/sourceAdapter.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { AdapterError } from '../../domain/errors.ts';
import { mapBounded } from '../wire/concurrency.ts';
import { checkHetu } from '../../domain/hetu.ts';
import type { Instant } from '../../domain/model.ts';
import { instance as instanceOf } from '../../domain/region.ts';
import { helsinkiToday, isValidIsoDate, p2, parseInstant, toHelsinkiLocal } from '../../domain/time.ts';
import { formatWireDate, type LifecareVersion } from './format.ts';
import { mapChangedPage, mapPersonResponses } from './map.ts';
import { LifecareTransport } from './transport.ts';

/** Persons read at once; each runs 3 + (fee years) calls concurrently. */
const PERSON_CONCURRENCY = 4;

/**
 * Creates the adapter of one Lifecare instance. Fetches the WSDL first (its
 * target namespace tells the version); if the source is down, that is
 * retried on each later call and the affected slots are SOURCE_UNAVAILABLE.
 */
export async function createLifecareAdapter(config: AdapterConfig): Promise<SourceAdapter> {
  const inst = instanceOf(config.instance);
  if (inst.product !== 'lifecare') throw new RangeError(`${config.instance} is not a Lifecare instance.`);
  const transport = new LifecareTransport(config);
  await transport.bind();

  async function readOne(hetu: string, version: LifecareVersion, options: ReadOptions): Promise<PersonSlot> {
    const signal = options.signal;
    const years = options.feeYears ?? defaultFeeYears(config);
    const kaynnitArgs: Record<string, string> = { Hetu: hetu };
    if (options.appointmentsFrom !== undefined) kaynnitArgs['Alkaen'] = requestDate(version, options.appointmentsFrom);
    if (options.appointmentsTo !== undefined) kaynnitArgs['Asti'] = requestDate(version, options.appointmentsTo);
    const [potilas, kaynnit, suunnitelmat, ...maksut] = await Promise.all([
      transport.call('HaePotilas', { Hetu: hetu }, signal),
      transport.call('HaeKaynnit', kaynnitArgs, signal),
      transport.call('HaeSuunnitelmat', { Hetu: hetu }, signal),
      ...years.map((year) => transport.call('HaeMaksut', { Hetu: hetu, Vuosi: year }, signal)),
    ]);
    return mapPersonResponses(hetu, config.instance, {
      potilas: potilas!,
      kaynnit: kaynnit!,
      suunnitelmat: suunnitelmat!,
      maksut: maksut.map((result, i) => ({ year: years[i]!, result })),
    });
  }

  return {
    instance: config.instance,
    product: 'lifecare',

    async readPersons(hetus: readonly string[], options: ReadOptions = {}): Promise<PersonSlot[]> {
      const slots: (PersonSlot | undefined)[] = hetus.map((hetu) => {
        const check = checkHetu(hetu);
        return check.ok
          ? undefined
          : new AdapterError(
              'INVALID_IDENTITY_CODE',
              config.instance,
              `expected a valid identity code, received one that is not (${check.reason})`,
            );
      });
      const pending = slots.flatMap((s, i) => (s === undefined ? [i] : []));
      if (pending.length > 0) {
        const bound = await transport.bind();
        if (bound instanceof AdapterError) {
          for (const i of pending) slots[i] = bound;
        } else {
          await mapBounded(pending, PERSON_CONCURRENCY, async (i) => {
            slots[i] = await readOne(hetus[i]!, bound.version, options);
          });
        }
      }
      return slots as PersonSlot[];
    },

    async *listChanged(since: Instant, options: { signal?: AbortSignal } = {}): AsyncIterable<ChangedPage> {
      const epoch = parseInstant(since);
      if (Number.isNaN(epoch)) throw new RangeError('listChanged: expected an ISO 8601 instant with offset.');
      const l = toHelsinkiLocal(epoch);
      const local = `${String(l.year).padStart(4, '0')}-${p2(l.month)}-${p2(l.day)}T${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}`;
      for (let page = 1; ; page++) {
        const result = await transport.call('HaeMuuttuneet', { MuuttunutJalkeen: local, Sivu: page }, options.signal);
        const mapped = mapChangedPage(page, result, config.instance);
        if (mapped instanceof AdapterError) throw mapped;
        yield { persons: mapped.persons, issues: mapped.issues };
        if (page >= mapped.pages) return;
      }
    },

    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** The Helsinki current year of the clock and the two before. */
function defaultFeeYears(config: AdapterConfig): number[] {
  const year = Number(helsinkiToday(config.clock).slice(0, 4));
  return [year, year - 1, year - 2];
}

/** A `YYYY-MM-DD` option in the version's date form (V2015 `D.M.YYYY`). */
function requestDate(version: LifecareVersion, date: string): string {
  if (!isValidIsoDate(date)) throw new RangeError('expected appointment dates as YYYY-MM-DD.');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return formatWireDate(version, { year, month, day });
}
