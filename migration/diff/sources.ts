/**
 * Opens instances beside the CLI's own sources (io.openSources), for what
 * that cannot give: a second copy of an instance (diff's baseline, the
 * target before the migration) and a written sample read back. Each either
 * from a fixtures directory (its emulator started in this process, on a
 * free port on 127.0.0.1) or at a given address, always through its
 * adapter over a real socket. ProConsona's adapter gets a register to link
 * sign-less legacy codes: VTJ opened here, or a directory passed in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock, type InstanceId, type PersonDirectory, type SourceAdapter, type VtjAdapter } from '../../domain/index.ts';
import { type RunningEmulator } from '../../adapters/emulator/faults.ts';
import { startEmulator } from '../../adapters/emulators.ts';
import { createAdapter, DEFAULT_SOURCE_TIMEOUT_MS } from '../../adapters/sources.ts';
import { createVtjAdapter } from '../../adapters/vtj/index.ts';
import { CommandError } from '../commands/io.ts';

/** Where one instance is read: a fixtures directory, or an address its adapter takes. */
export type Endpoint = { readonly fixturesDir: string } | { readonly address: string };

export interface OpenedSources {
  /** One adapter per request, in request order. */
  readonly adapters: readonly SourceAdapter[];
  readonly vtj?: VtjAdapter & PersonDirectory;
  /** Closes the adapters and stops the emulators started here. */
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  /** The register for ProConsona's sign-less codes when VTJ is not opened here. */
  readonly directory?: PersonDirectory;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
}

/**
 * Starts what must be started and creates the adapters. Rejects with a
 * one-sentence CommandError (and leaves nothing running) when an
 * instance's fixtures are missing or an emulator or adapter cannot start.
 */
export async function openSources(
  requests: readonly { instance: InstanceId; endpoint: Endpoint }[],
  vtjEndpoint: Endpoint | undefined,
  options: OpenOptions = {},
): Promise<OpenedSources> {
  const emulators: RunningEmulator[] = [];
  const adapters: SourceAdapter[] = [];
  let vtj: (VtjAdapter & PersonDirectory) | undefined;
  const close = async (): Promise<void> => {
    await Promise.allSettled([...adapters.map((a) => a.close()), ...(vtj ? [vtj.close()] : [])]);
    await Promise.allSettled(emulators.map((e) => e.close()));
  };
  const config = (instance: InstanceId, address: string) => ({
    instance,
    address,
    timeoutMs: options.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS,
    clock: options.clock ?? systemClock,
  });
  const addressOf = async (instance: InstanceId, endpoint: Endpoint): Promise<string> => {
    if ('address' in endpoint) return endpoint.address;
    const dir = join(endpoint.fixturesDir, instance);
    if (!existsSync(dir)) throw new CommandError(`Expected the fixtures of ${instance} in ${dir}, found no such directory.`);
    try {
      const e = await startEmulator(instance, endpoint.fixturesDir);
      emulators.push(e);
      return e.address;
    } catch (err) {
      throw new CommandError(`Could not start the emulator of ${instance} on ${endpoint.fixturesDir} (${describe(err)}).`, { cause: err });
    }
  };
  try {
    if (vtjEndpoint) {
      const address = await addressOf('vtj', vtjEndpoint);
      try {
        vtj = await createVtjAdapter(config('vtj', address));
      } catch (err) {
        throw new CommandError(`Could not create the adapter of vtj (${describe(err)}).`, { cause: err });
      }
    }
    for (const { instance, endpoint } of requests) {
      const address = await addressOf(instance, endpoint);
      try {
        adapters.push(await createAdapter(config(instance, address), vtj ?? options.directory));
      } catch (err) {
        throw new CommandError(`Could not create the adapter of ${instance} (${describe(err)}).`, { cause: err });
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { adapters, ...(vtj && { vtj }), close };
}
