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
import { adapterConfigProblem, type AdapterConfig, type Credentials, type TlsSettings, type XRoadConfig } from './wire/adapterConfig.ts';
import { answerLimitsProblem, type AnswerLimits } from './wire/answerLimits.ts';
import { createEfficaAdapter } from './effica/index.ts';
import { createLifecareAdapter } from './lifecare/index.ts';
import { createMediatriAdapter } from './mediatri/index.ts';
import { createPegasosAdapter } from './pegasos/index.ts';
import { createProconsonaAdapter } from './proconsona/index.ts';
import { createVtjAdapter } from './vtj/index.ts';

/** One instance's deployment settings (README: Deploying, sources); checked by `adapterConfigProblem`. */
export interface SourceSettings {
  /** Base URL (HTTP products), `host:port` / `mllp://` / `mllps://host:port` (Pegasos), `postgres://` connection string (ProConsona). */
  readonly address: string;
  /** How long one request may take (default 5 000 ms). */
  readonly timeoutMs?: number;
  /** Requests or connections in flight at once (default: the product's own). */
  readonly concurrency?: number;
  /** TLS: CA bundle, client certificate and key (PEM text), expected server name. */
  readonly tls?: TlsSettings;
  /** UsernameToken (Lifecare, VTJ), HTTP Basic (Effica, Mediatri) or the database user (ProConsona). */
  readonly credentials?: Credentials;
  /** VTJ only: X-Road client, service, protocol version and system user id. */
  readonly xroad?: XRoadConfig;
  /** Answer limits over the product's defaults (README: Answer limits). */
  readonly limits?: Partial<AnswerLimits>;
}

export interface SourcesConfig {
  /** Where each instance answers: base URL, `host:port` or connection string (the short form; `instances` wins). */
  readonly addresses?: Partial<Record<InstanceId, string>>;
  /** Per-source timeout in milliseconds (default 5 000). */
  readonly timeoutMs?: Partial<Record<InstanceId, number>>;
  /** Per-source answer limits over the product's defaults (README: Answer limits). */
  readonly limits?: Partial<Record<InstanceId, Partial<AnswerLimits>>>;
  /** Per-instance settings of real sources; each field given here wins over the instance's `addresses`/`timeoutMs`/`limits` entry. */
  readonly instances?: Partial<Record<InstanceId, SourceSettings>>;
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

/**
 * Every instance's adapter configuration from the sources' settings, checked
 * (a bad setting throws a RangeError naming the instance); instances without
 * an address are left out.
 */
export function sourceConfigs(config: SourcesConfig): Map<InstanceId, AdapterConfig> {
  const clock = config.clock ?? systemClock;
  const configs = new Map<InstanceId, AdapterConfig>();
  for (const { id } of INSTANCES) {
    const own = config.instances?.[id];
    const address = own?.address ?? config.addresses?.[id];
    if (address === undefined) continue;
    const limits = own?.limits ?? config.limits?.[id];
    const adapterConfig: AdapterConfig = {
      instance: id,
      address,
      timeoutMs: own?.timeoutMs ?? config.timeoutMs?.[id] ?? DEFAULT_SOURCE_TIMEOUT_MS,
      clock,
      ...(limits && { limits }),
      ...(own?.tls && { tls: own.tls }),
      ...(own?.credentials && { credentials: own.credentials }),
      ...(own?.xroad && { xroad: own.xroad }),
      ...(own?.concurrency !== undefined && { concurrency: own.concurrency }),
    };
    const problem = adapterConfigProblem(adapterConfig);
    if (problem) throw new RangeError(`${problem[0]!.toUpperCase()}${problem.slice(1)}.`);
    configs.set(id, adapterConfig);
  }
  // Limits given for an instance without an address are still checked: a typo must not pass silently.
  for (const [instance, limits] of Object.entries(config.limits ?? {})) {
    if (configs.has(instance as InstanceId) || !limits) continue;
    const problem = answerLimitsProblem(limits);
    if (problem) throw new RangeError(`Limits of ${instance}: ${problem}.`);
  }
  return configs;
}

/** Some of the region's sources: VTJ's adapter only when VTJ has an address (a municipality's subgraph may read none). */
export interface SomeSources extends Omit<RegionSources, 'vtj'> {
  readonly vtj: (VtjAdapter & PersonDirectory) | undefined;
}

/** Creates the adapters of every instance that has an address, and VTJ's. */
export async function createSources(config: SourcesConfig): Promise<RegionSources> {
  const configs = sourceConfigs(config);
  if (!configs.has('vtj')) throw new Error('Expected an address for vtj, received none.');
  const { vtj, ...rest } = await openConfigured(configs);
  return { ...rest, vtj: vtj! };
}

/** Creates the adapters of every instance that has an address, VTJ's included when it has one. */
export function createSomeSources(config: SourcesConfig): Promise<SomeSources> {
  return openConfigured(sourceConfigs(config));
}

async function openConfigured(configs: ReadonlyMap<InstanceId, AdapterConfig>): Promise<SomeSources> {
  const vtjConfig = configs.get('vtj');
  const vtj = vtjConfig ? await createVtjAdapter(vtjConfig) : undefined;
  const adapters = new Map<InstanceId, SourceAdapter>();
  const ids = [...configs.keys()].filter((id) => id !== 'vtj');
  const created = await Promise.all(ids.map((id) => createAdapter(configs.get(id)!, vtj)));
  ids.forEach((id, i) => adapters.set(id, created[i]!));
  return {
    adapters,
    vtj,
    async close() {
      await Promise.allSettled([vtj?.close(), ...[...adapters.values()].map((a) => a.close())]);
    },
  };
}
