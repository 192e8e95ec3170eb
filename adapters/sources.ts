/**
 * Creates one adapter per instance from a typed configuration: the region's
 * sources as the subgraphs and tools read them.
 */
import {
  INSTANCES,
  systemClock,
  type Clock,
  type InstanceId,
  type PersonDirectory,
  type SourceAdapter,
  type VtjAdapter,
} from '../domain/index.ts';
import { type AdapterConfig } from './wire/adapterConfig.ts';
import { answerLimitsProblem, type AnswerLimits } from './wire/answerLimits.ts';
import { createEfficaAdapter } from './effica/index.ts';
import { createLifecareAdapter } from './lifecare/index.ts';
import { createMediatriAdapter } from './mediatri/index.ts';
import { createPegasosAdapter } from './pegasos/index.ts';
import { createProconsonaAdapter } from './proconsona/index.ts';
import { createVtjAdapter } from './vtj/index.ts';

export interface SourcesConfig {
  /** Where each instance answers: base URL, `host:port` or connection string. */
  readonly addresses: Partial<Record<InstanceId, string>>;
  /** Per-source timeout in milliseconds (default 5 000). */
  readonly timeoutMs?: Partial<Record<InstanceId, number>>;
  /** Per-source answer limits over the product's defaults (README: Answer limits). */
  readonly limits?: Partial<Record<InstanceId, Partial<AnswerLimits>>>;
  readonly clock?: Clock;
}

export interface RegionSources {
  /** Patient and client record instances. */
  readonly adapters: Map<InstanceId, SourceAdapter>;
  readonly vtj: VtjAdapter & PersonDirectory;
  close(): Promise<void>;
}

export const DEFAULT_SOURCE_TIMEOUT_MS = 5_000;

/** Creates an adapter for one record instance. */
export async function createAdapter(config: AdapterConfig, directory?: PersonDirectory): Promise<SourceAdapter> {
  const product = INSTANCES.find((i) => i.id === config.instance)!.product;
  switch (product) {
    case 'lifecare':
      return createLifecareAdapter(config);
    case 'pegasos':
      return createPegasosAdapter(config);
    case 'effica':
      return createEfficaAdapter(config);
    case 'mediatri':
      return createMediatriAdapter(config);
    case 'proconsona':
      return createProconsonaAdapter(config, directory ? { directory } : undefined);
    case 'vtj':
      throw new RangeError('VTJ is not a record instance; use createVtjAdapter.');
  }
}

/** Creates the adapters of every instance that has an address, and VTJ's. */
export async function createSources(config: SourcesConfig): Promise<RegionSources> {
  const clock = config.clock ?? systemClock;
  for (const [instance, limits] of Object.entries(config.limits ?? {})) {
    const problem = limits ? answerLimitsProblem(limits) : undefined;
    if (problem) throw new RangeError(`Limits of ${instance}: ${problem}.`);
  }
  const configFor = (instance: InstanceId): AdapterConfig => {
    const limits = config.limits?.[instance];
    return {
      instance,
      address: config.addresses[instance]!,
      timeoutMs: config.timeoutMs?.[instance] ?? DEFAULT_SOURCE_TIMEOUT_MS,
      clock,
      ...(limits && { limits }),
    };
  };
  if (!config.addresses.vtj) throw new Error('Expected an address for vtj, received none.');
  const vtj = await createVtjAdapter({ ...configFor('vtj') });
  const adapters = new Map<InstanceId, SourceAdapter>();
  const ids = INSTANCES.filter((i) => i.product !== 'vtj' && config.addresses[i.id]).map((i) => i.id);
  const created = await Promise.all(ids.map((id) => createAdapter(configFor(id), vtj)));
  ids.forEach((id, i) => adapters.set(id, created[i]!));
  return {
    adapters,
    vtj,
    async close() {
      await Promise.allSettled([vtj.close(), ...[...adapters.values()].map((a) => a.close())]);
    },
  };
}
