/**
 * The Mediatri adapter: per person three concurrent GETs (potilas,
 * ajanvaraus, lasku by `?hetu=`), mapped by map.ts; changed persons by
 * `potilas.csv?muuttunut=`.
 */
import { AdapterError, checkHetu } from '../../domain/index.ts';
import { mapBounded } from '../wire/concurrency.ts';
import type { ChangedPage, Instant, PersonSlot, ReadOptions, SourceAdapter } from '../../domain/index.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { compactOfInstant } from './format.ts';
import { mapChanged, mapPerson } from './map.ts';
import { CONNECTIONS, MediatriTransport } from './transport.ts';

/** Creates the adapter of one Mediatri instance (`config.address`: the service's base URL). */
export function createMediatriAdapter(config: AdapterConfig): SourceAdapter {
  const { instance } = config;
  const transport = new MediatriTransport(config);
  // Persons read at once (three requests each), within the transport's connections.
  const personsAtOnce = Math.max(1, Math.floor((config.concurrency ?? CONNECTIONS) / 3));

  async function readOne(hetu: string, options: ReadOptions): Promise<PersonSlot> {
    const check = checkHetu(hetu);
    if (!check.ok)
      return new AdapterError(
        'INVALID_IDENTITY_CODE',
        instance,
        `Expected a valid identity code, received an invalid one (${check.reason}).`,
      );
    const query = { hetu };
    const [potilas, ajanvaraus, lasku] = await Promise.allSettled([
      transport.get('potilas', query, options.signal),
      transport.get('ajanvaraus', query, options.signal),
      transport.get('lasku', query, options.signal),
    ]);
    for (const r of [potilas, ajanvaraus, lasku]) {
      if (r.status === 'rejected') return asAdapterError(r.reason, instance);
    }
    const bodies = {
      potilas: (potilas as PromiseFulfilledResult<Uint8Array>).value,
      ajanvaraus: (ajanvaraus as PromiseFulfilledResult<Uint8Array>).value,
      lasku: (lasku as PromiseFulfilledResult<Uint8Array>).value,
    };
    const mapOptions = {
      ...(options.appointmentsFrom !== undefined && { appointmentsFrom: options.appointmentsFrom }),
      ...(options.appointmentsTo !== undefined && { appointmentsTo: options.appointmentsTo }),
      ...(options.feeYears !== undefined && { feeYears: options.feeYears }),
    };
    return mapPerson(instance, hetu, bodies, mapOptions);
  }

  return {
    instance,
    product: 'mediatri',

    async readPersons(hetus, options = {}) {
      return mapBounded(hetus, personsAtOnce, (hetu) => readOne(hetu, options));
    },

    async *listChanged(since: Instant, options: { signal?: AbortSignal } = {}): AsyncGenerator<ChangedPage> {
      // The interface has no paging: its one answer is the one page.
      const bytes = await transport.get('potilas', { muuttunut: compactOfInstant(since) }, options.signal);
      const page = mapChanged(instance, bytes);
      if (page instanceof AdapterError) throw page;
      yield page;
    },

    close() {
      return transport.close();
    },
  };
}

function asAdapterError(e: unknown, instance: AdapterConfig['instance']): AdapterError {
  if (e instanceof AdapterError) return e;
  return new AdapterError('SOURCE_UNAVAILABLE', instance, 'Expected an answer, received a failure of the client.', { cause: e });
}
