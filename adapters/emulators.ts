/**
 * Starts one emulator per instance of the region on a fixtures directory
 * laid out as region.md says, each on its own free port.
 */
import { INSTANCES, type InstanceId } from '../domain/index.ts';
import { type RunningEmulator } from './emulator/faults.ts';
import type { EmulatorSecurity } from './emulator/httpEmulator.ts';
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
  /** Per instance: port, TLS, required credentials, and (VTJ) required X-Road headers. */
  readonly instances?: Partial<Record<InstanceId, StartEmulatorOptions>>;
}

/**
 * How one emulator is started: its port (0 or absent: a free one), TLS
 * (`tls.ca`: require and verify a client certificate), credentials it
 * requires (UsernameToken, HTTP Basic or database password by product; not
 * Pegasos), and for VTJ the X-Road headers it requires.
 */
export interface StartEmulatorOptions extends EmulatorSecurity {
  readonly port?: number;
}

/** Running emulators by instance. */
export type RegionEmulators = Map<InstanceId, RunningEmulator>;

/** Starts the emulator of one instance; `options` as the real source would require (README: Deploying, sources). */
export function startEmulator(
  instance: InstanceId,
  fixturesDir: string,
  host = '127.0.0.1',
  options: StartEmulatorOptions = {},
): Promise<RunningEmulator> {
  const product = INSTANCES.find((i) => i.id === instance)!.product;
  const { port, tls, credentials, requireXRoad } = options;
  if (requireXRoad && product !== 'vtj')
    return Promise.reject(new RangeError(`Expected requireXRoad for vtj only, received it for ${instance}.`));
  if (credentials && product === 'pegasos')
    return Promise.reject(new RangeError(`Expected no credentials for ${instance} (MLLP takes none), received some.`));
  const common = { instance, fixturesDir, host, ...(port !== undefined && { port }), ...(tls && { tls }) };
  const withCredentials = { ...common, ...(credentials && { credentials }) };
  switch (product) {
    case 'lifecare':
      return startLifecareEmulator(withCredentials);
    case 'pegasos':
      return startPegasosEmulator(common);
    case 'effica':
      return startEfficaEmulator(withCredentials);
    case 'mediatri':
      return startMediatriEmulator(withCredentials);
    case 'proconsona':
      return startProconsonaEmulator(withCredentials);
    case 'vtj':
      return startVtjEmulator({
        fixturesDir,
        host,
        ...(port !== undefined && { port }),
        ...(tls && { tls }),
        ...(credentials && { credentials }),
        ...(requireXRoad && { requireXRoad }),
      });
  }
}

/** Starts every instance's emulator (concurrently); closes those started if one fails. */
export async function startEmulators(options: EmulatorOptions): Promise<RegionEmulators> {
  const ids = options.only ?? INSTANCES.map((i) => i.id);
  const settled = await Promise.allSettled(ids.map((id) => startEmulator(id, options.fixturesDir, options.host, options.instances?.[id])));
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
