/**
 * The VTJ adapter: reads persons from the population register, one SOAP
 * query per code (the interface has no batch query), a few at a time.
 */
import { AdapterError, checkHetu } from '../../domain/index.ts';
import type { PersonDirectory, ReadCaller, VtjAdapter, VtjReadOptions, VtjSlot } from '../../domain/index.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { mapBounded } from '../wire/concurrency.ts';
import { readVtjAnswer } from './map.ts';
import { VtjTransport } from './transport.ts';

/** Queries in flight at once, per adapter. */
const CONCURRENCY = 8;

/**
 * Creates the VTJ adapter. Fetches the WSDL first; if the service is down
 * then, creation still succeeds and the WSDL is fetched again on the first
 * read (a source being down must not stop its caller from starting).
 */
export async function createVtjAdapter(config: AdapterConfig): Promise<VtjAdapter & PersonDirectory> {
  const concurrency = config.concurrency ?? CONCURRENCY;
  const transport = new VtjTransport(config, concurrency);
  await transport.ensureWsdl();

  const readOne = async (hetu: string, signal?: AbortSignal, caller?: ReadCaller): Promise<VtjSlot> => {
    const check = checkHetu(hetu);
    if (!check.ok)
      return new AdapterError('INVALID_IDENTITY_CODE', 'vtj', `expected a valid identity code, received one where ${check.reason}`);
    const answer = await transport.query(hetu, signal, caller);
    if (answer instanceof AdapterError) return answer;
    const reading = readVtjAnswer(answer, hetu);
    if (reading.kind === 'found') return reading.person;
    if (reading.kind === 'notFound') return null;
    return new AdapterError(reading.code, 'vtj', `VTJ: ${reading.reason}`);
  };

  const readPersons = async (hetus: readonly string[], options?: VtjReadOptions): Promise<VtjSlot[]> => {
    // The same code twice in one batch is asked once.
    const unique = [...new Set(hetus)];
    const slots = await mapBounded(unique, concurrency, (h) => readOne(h, options?.signal, options?.caller));
    const byCode = new Map(unique.map((h, i) => [h, slots[i]!]));
    return hetus.map((h) => byCode.get(h)!);
  };

  return {
    instance: 'vtj',
    readPersons,
    /**
     * For each code, the VTJ surname, or null when VTJ does not know the
     * code (or the code is not a valid one). Rejects with the AdapterError
     * when VTJ could not be asked: an unknown answer must not read as "no
     * such person". A system read: X-Road's userId is the system user id.
     */
    async surnames(hetus: readonly string[]): Promise<(string | null)[]> {
      const slots = await readPersons(hetus);
      return slots.map((s) => {
        if (s instanceof AdapterError) {
          if (s.code === 'INVALID_IDENTITY_CODE') return null;
          throw s;
        }
        return s ? s.surname : null;
      });
    },
    close: () => transport.close(),
  };
}
