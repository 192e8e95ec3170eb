/**
 * Starts one emulator per instance of the region on a fixtures directory
 * laid out as region.md says, each on its own free port.
 */
import { INSTANCES, type InstanceId } from '../domain/index.ts';
import { type RunningEmulator } from './emulator/faults.ts';
import { startEfficaEmulator } from './effica/index.ts';
import { startLifecareEmulator } from './lifecare/index.ts';
import { startMediatriEmulator } from './mediatri/index.ts';
import { startPegasosEmulator } from './pegasos/index.ts';
import { startProconsonaEmulator } from './proconsona/index.ts';
import { startVtjEmulator } from './vtj/index.ts';

export interface EmulatorOptions {
  readonly fixturesDir: string;
  readonly host?: string;
  /** Only these instances (default: every instance and VTJ). */
  readonly only?: readonly InstanceId[];
  /** Fixed ports by instance (default: free ports). */
  readonly ports?: Readonly<Partial<Record<InstanceId, number>>>;
}

/** Running emulators by instance. */
export type RegionEmulators = Map<InstanceId, RunningEmulator>;

/** Starts the emulator of one instance (on `port`, default a free one). */
export function startEmulator(
  instance: InstanceId,
  fixturesDir: string,
  host = '127.0.0.1',
  extra: { readonly port?: number } = {},
): Promise<RunningEmulator> {
  const product = INSTANCES.find((i) => i.id === instance)!.product;
  const port = extra.port !== undefined ? { port: extra.port } : {};
  const options = { instance, fixturesDir, host, ...port };
  switch (product) {
    case 'lifecare':
      return startLifecareEmulator(options);
    case 'pegasos':
      return startPegasosEmulator(options);
    case 'effica':
      return startEfficaEmulator(options);
    case 'mediatri':
      return startMediatriEmulator(options);
    case 'proconsona':
      return startProconsonaEmulator(options);
    case 'vtj':
      return startVtjEmulator({ fixturesDir, host, ...port });
  }
}

/** Starts every instance's emulator (concurrently); closes those started if one fails. */
export async function startEmulators(options: EmulatorOptions): Promise<RegionEmulators> {
  const ids = options.only ?? INSTANCES.map((i) => i.id);
  const settled = await Promise.allSettled(
    ids.map((id) =>
      startEmulator(id, options.fixturesDir, options.host, { ...(options.ports?.[id] !== undefined ? { port: options.ports[id] } : {}) }),
    ),
  );
  const running: RegionEmulators = new Map();
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') running.set(ids[i]!, s.value);
  });
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await closeEmulators(running);
    throw failed.reason;
  }
  return running;
}

/** Closes every emulator. */
export async function closeEmulators(emulators: RegionEmulators): Promise<void> {
  await Promise.allSettled([...emulators.values()].map((e) => e.close()));
}
