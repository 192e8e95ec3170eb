/**
 * The contract between `migration/cli.ts` and each command module
 * (`migration/commands/{name}.ts`): every command exports
 * `run(args, io): Promise<CommandResult>`.
 *
 * - `args` are the command's own arguments: what follows the command name,
 *   with the common options (`--fixtures`, `--url`, `--out`, `--quiet`,
 *   `--today`, `--timeout-ms`) already taken out by the CLI.
 * - `io` opens sources, tells the day, and reports progress. A command never
 *   writes to stdout and never exits the process: it returns its result (the
 *   CLI renders it) or throws `CommandError` ("could not run", exit 2).
 */
import type { Clock, InstanceId, IsoDate, PersonDirectory, SourceAdapter, VtjAdapter } from '../../domain/index.ts';
import type { CommandResult } from '../report/types.ts';

/** The adapters a command asked for, over real sockets. */
export interface OpenedSources {
  /** The adapter of a record instance that was asked for in `openSources`. */
  adapter(instance: InstanceId): SourceAdapter;
  /** VTJ, always opened: the master of basic data, and ProConsona's directory for sign-less codes. */
  readonly vtj: VtjAdapter & PersonDirectory;
  /** Where each opened source answers (emulator or `--url`). */
  readonly addresses: Readonly<Partial<Record<InstanceId, string>>>;
  /** Closes the adapters (the CLI stops emulators it started itself). */
  close(): Promise<void>;
}

/** Progress of one long step, shown on stderr unless `--quiet`. */
export interface Progress {
  /** `done` items of `total` (undefined while the total is not known yet). */
  update(done: number, total?: number): void;
  /** Prints the final figure once. */
  finish(done: number): void;
}

/** What the CLI gives a command. */
export interface CommandIo {
  /**
   * Opens the adapters of these record instances and VTJ: on `--fixtures`
   * (default: the bundled fixtures) it starts their emulators, with `--url`
   * it connects to running sources. Throws `CommandError` when a source
   * cannot be started or reached.
   */
  openSources(instances: readonly InstanceId[]): Promise<OpenedSources>;
  /** Helsinki date the command treats as today (`--today`, else the fixtures' manifest, else the clock). */
  readonly today: IsoDate;
  /** A clock fixed to `today` when it was given or taken from a manifest; the system clock otherwise. */
  readonly clock: Clock;
  /** The fixtures directory when the sources are emulated (undefined with `--url` only). */
  readonly fixturesDir?: string;
  /** Where reports (and any other output files) go. */
  readonly outDir: string;
  /** Per-request timeout for the adapters, ms. */
  readonly timeoutMs: number;
  /** Starts a progress line for a long step (`label` names it, e.g. `check lifecare-porvoo`). */
  progress(label: string, unit: string): Progress;
  /** One line of commentary on stderr unless `--quiet` (never results, never personal data). */
  note(line: string): void;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}

/** A command module. */
export interface Command {
  run(args: readonly string[], io: CommandIo): Promise<CommandResult>;
}

/**
 * The command could not run: bad arguments, a source that cannot be started
 * or reached. The message is one sentence without personal data; the CLI
 * prints it and exits with 2.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
