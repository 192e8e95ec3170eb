/**
 * Opens the sources a command reads: emulators on a fixtures directory (in
 * a child process, see emulatorHost.ts) and/or running sources given by
 * `--url instance=ADDRESS`, then one adapter per instance and VTJ's, each
 * probed once so that an unreachable source stops the command at once with
 * a clear sentence (exit 2) instead of thousands of failed reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  AdapterError,
  makeHetu,
  type Clock,
  type InstanceId,
  type PersonDirectory,
  type SourceAdapter,
  type VtjAdapter,
} from '../../domain/index.ts';
import { createAdapter } from '../../adapters/sources.ts';
import { createVtjAdapter } from '../../adapters/vtj/index.ts';
import { CommandError, type OpenedSources } from '../commands/io.ts';

export interface SourceSetup {
  /** Emulate instances without a URL from this directory; undefined: every instance needs a URL. */
  readonly fixturesDir?: string;
  readonly urls: Readonly<Partial<Record<InstanceId, string>>>;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/** A code no register holds (synthetic range, 1 January 1900): asking for it shows whether a source answers. */
const PROBE_CODE = makeHetu('1900-01-01', 999);
/** How long the emulators may take to load their fixtures (a 100 000-person region takes a few seconds). */
const EMULATOR_START_TIMEOUT_MS = 120_000;

/** Opens `instances` (and VTJ) as `setup` says; throws CommandError when one cannot be started or reached. */
export async function openSources(setup: SourceSetup, instances: readonly InstanceId[]): Promise<OpenedSources> {
  const wanted = [...new Set<InstanceId>([...instances, 'vtj'])];
  const emulate = wanted.filter((id) => setup.urls[id] === undefined);
  if (emulate.length > 0 && setup.fixturesDir === undefined) {
    throw new CommandError(`Expected --url for ${emulate.join(', ')} (or --fixtures DIR to emulate them), received none.`);
  }
  const host = emulate.length > 0 ? await startEmulatorHosts(setup.fixturesDir!, emulate) : undefined;
  const addresses: Partial<Record<InstanceId, string>> = { ...host?.addresses };
  for (const id of wanted) if (setup.urls[id] !== undefined) addresses[id] = setup.urls[id];

  const configFor = (instance: InstanceId) => ({ instance, address: addresses[instance]!, timeoutMs: setup.timeoutMs, clock: setup.clock });
  const adapters = new Map<InstanceId, SourceAdapter>();
  let vtj: (VtjAdapter & PersonDirectory) | undefined;
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([vtj?.close(), ...[...adapters.values()].map((a) => a.close())]);
    await host?.stop();
  };
  try {
    vtj = await createVtjAdapter(configFor('vtj'));
    const [probe] = await vtj.readPersons([PROBE_CODE]);
    if (probe instanceof AdapterError) throw unreachable('vtj', addresses.vtj!, probe);
    for (const id of wanted) {
      if (id === 'vtj') continue;
      const adapter = await createAdapter(configFor(id), vtj).catch((err: unknown) => {
        throw new CommandError(`Could not connect to ${id} at ${addresses[id]}: ${firstSentence(err)}`);
      });
      adapters.set(id, adapter);
      const [slot] = await adapter.readPersons([PROBE_CODE]);
      if (slot instanceof AdapterError) throw unreachable(id, addresses[id]!, slot);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const opened = vtj;
  return {
    adapter(instance: InstanceId): SourceAdapter {
      const a = adapters.get(instance);
      if (!a) throw new RangeError(`${instance} was not opened.`);
      return a;
    },
    vtj: opened,
    addresses,
    close: closeAll,
  };
}

function unreachable(id: InstanceId, address: string, err: AdapterError): CommandError {
  return new CommandError(`Could not read ${id} at ${address}: ${err.code}, ${lowerFirst(err.message.replace(/\.$/, ''))}.`);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function firstSentence(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0]!.replace(/\.?$/, '.');
}

/** Emulators running in child processes. */
export interface EmulatorHost {
  readonly addresses: Partial<Record<InstanceId, string>>;
  /** The wire requests each emulator has served so far. */
  requests(): Promise<Partial<Record<InstanceId, number>>>;
  stop(): Promise<void>;
}

/**
 * Starts the emulators in two child processes: VTJ, which every command
 * reads alongside its instances, in one, the instances in the other. Why
 * two: a whole-instance read keeps both busy, and with the reader that is
 * three processes the scheduler can share out over the cores, each holding
 * only its own fixtures in memory. If one cannot start, the other is
 * stopped.
 */
export async function startEmulatorHosts(fixturesDir: string, instances: readonly InstanceId[]): Promise<EmulatorHost> {
  const groups = [instances.filter((id) => id !== 'vtj'), instances.filter((id) => id === 'vtj')].filter((g) => g.length > 0);
  const settled = await Promise.allSettled(groups.map((g) => startEmulatorHost(fixturesDir, g)));
  const hosts = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(hosts.map((h) => h.stop()));
  };
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const requests = async (): Promise<Partial<Record<InstanceId, number>>> =>
    Object.assign({}, ...(await Promise.all(hosts.map((h) => h.requests()))));
  return { addresses: Object.assign({}, ...hosts.map((h) => h.addresses)) as EmulatorHost['addresses'], requests, stop };
}

/**
 * Starts emulatorHost.ts in a child process (node with tsx's loader) and
 * waits for its addresses. Why a child: the emulators then use the second
 * core, and the reader's memory figure is the reader's own.
 */
async function startEmulatorHost(fixturesDir: string, instances: readonly InstanceId[]): Promise<EmulatorHost> {
  const require = createRequire(import.meta.url);
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const script = fileURLToPath(new URL('./emulatorHost.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', loader, script, fixturesDir, ...instances], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const line = await firstLine(child).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  let message: { addresses?: Partial<Record<InstanceId, string>>; controlUrl?: string; error?: string } = {};
  try {
    message = JSON.parse(line) as typeof message;
  } catch {
    message = { error: lastLine(stderr) || 'the emulator process ended without telling its addresses' };
  }
  if (!message.addresses) {
    child.kill('SIGKILL');
    throw new CommandError(`Could not start the emulators on ${fixturesDir}: ${(message.error ?? 'no reason given').replace(/\.$/, '')}.`);
  }
  const { controlUrl } = message;
  const requests = async (): Promise<Partial<Record<InstanceId, number>>> => {
    if (!controlUrl) return {};
    const res = await fetch(`${controlUrl}/requests`);
    return ((await res.json()) as { byInstance: Partial<Record<InstanceId, number>> }).byInstance;
  };
  return { addresses: message.addresses, requests, stop: () => stopChild(child) };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new CommandError(`Expected the emulators to start within ${EMULATOR_START_TIMEOUT_MS / 1000} s, they did not.`)),
      EMULATOR_START_TIMEOUT_MS,
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buffer.slice(0, nl));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(buffer);
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new CommandError(`Could not start the emulator process: ${err.message}`));
    });
  });
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}

/** Ends the child: closing its stdin asks it to stop; SIGTERM, then SIGKILL, if it does not. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    const term = setTimeout(() => child.kill('SIGTERM'), 2_000);
    child.once('exit', () => {
      clearTimeout(kill);
      clearTimeout(term);
      resolve();
    });
    child.stdin!.end();
  });
}
