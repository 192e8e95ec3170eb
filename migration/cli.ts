/**
 * `npm run migration -- <command> [options]`: the migration team's tools.
 *
 *   check <instance>                 data quality of one instance
 *   conflicts [--municipality M]     basic data in every instance against VTJ
 *   diff --from A --to B [--municipality M]
 *   sample <instance> --persons N
 *
 * Common options: `--fixtures DIR` (default: the bundled fixtures; the
 * emulators of the instances needed are started on it), `--url
 * instance=ADDRESS` (repeatable: read a running source instead), `--out DIR`
 * (default `migration-report/`: `{command}.json` and `{command}.html`),
 * `--today YYYY-MM-DD`, `--timeout-ms N`, `--quiet`.
 *
 * Exit codes: 0 clean, 1 problems found, 2 could not run (bad arguments,
 * a source that cannot be started or reached), with one sentence on stderr.
 */
import { setMaxListeners } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  fromHelsinkiLocal,
  helsinkiToday,
  isInstanceId,
  isValidIsoDate,
  systemClock,
  type Clock,
  type InstanceId,
  type IsoDate,
} from '../domain/index.ts';
import { CommandError, type Command, type CommandIo, type Progress } from './commands/io.ts';
import { renderTerminal } from './report/terminal.ts';
import { EXIT, type CommandResult } from './report/types.ts';
import { writeReports } from './report/write.ts';
import { openSources } from './source/open.ts';

/** Where output goes; tests pass their own. */
export interface CliStreams {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
}

export const BUNDLED_FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const DEFAULT_OUT = 'migration-report';
/**
 * Per-request timeout for the sources. Longer than the gateway's 5 s: a
 * batch run keeps many requests in flight, and a slow answer is still an
 * answer worth waiting for; a source that is down is still refused at once.
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

const USAGE = `Usage: npm run migration -- <command> [options]

Commands:
  check <instance>                        data quality of one instance, read whole through its adapter
  conflicts [--municipality CODE]         each person's basic data in every instance against VTJ
  diff --from A --to B [--municipality M] migration validation: records missing, extra, changed
  sample <instance> --persons N           a pseudonymised sample in the instance's native format

Options:
  --fixtures DIR          emulate the sources from DIR (default: the bundled fixtures)
  --url INSTANCE=ADDRESS  read a running source instead (repeatable; vtj too)
  --out DIR               where {command}.json and {command}.html go (default ${DEFAULT_OUT}/)
  --today YYYY-MM-DD      the day "future" is counted from (default: the fixtures' day, else today)
  --timeout-ms N          per-request timeout for the sources (default ${DEFAULT_TIMEOUT_MS})
  --quiet                 no progress; one line of summary

Exit codes: 0 clean, 1 problems found, 2 could not run.
`;

/** Command modules, loaded on use. diff and sample are imported by name so this file builds before they exist. */
const COMMANDS: Record<string, () => Promise<Partial<Command>>> = {
  check: () => import('./commands/check.ts'),
  conflicts: () => import('./commands/conflicts.ts'),
  diff: () => importByName('diff'),
  sample: () => importByName('sample'),
};

async function importByName(name: string): Promise<Partial<Command>> {
  const specifier = `./commands/${name}.ts`;
  return (await import(specifier)) as Partial<Command>;
}

interface CommonOptions {
  readonly command?: string;
  readonly args: string[];
  readonly fixturesDir?: string;
  readonly urls: Partial<Record<InstanceId, string>>;
  readonly outDir: string;
  readonly today?: IsoDate;
  readonly timeoutMs: number;
  readonly quiet: boolean;
  readonly help: boolean;
}

/** Takes the common options out of argv; the rest is the command and its own arguments. */
export function parseCommon(argv: readonly string[]): CommonOptions {
  const rest: string[] = [];
  const urls: Partial<Record<InstanceId, string>> = {};
  let fixturesDir: string | undefined;
  let outDir = DEFAULT_OUT;
  let today: string | undefined;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let quiet = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const takes = ['--fixtures', '--url', '--out', '--today', '--timeout-ms'].includes(name);
    if (!takes) {
      if (arg === '--quiet') quiet = true;
      else if (arg === '--help' || arg === '-h') help = true;
      else rest.push(arg);
      continue;
    }
    const value = name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (name === arg && value.startsWith('--'))) {
      throw new CommandError(`Expected a value after ${name}, received ${value?.startsWith('--') ? 'another option' : 'none'}.`);
    }
    switch (name) {
      case '--fixtures':
        fixturesDir = resolve(value);
        break;
      case '--out':
        outDir = value;
        break;
      case '--today':
        if (!isValidIsoDate(value)) throw new CommandError('Expected --today as YYYY-MM-DD, received another form.');
        today = value;
        break;
      case '--timeout-ms':
        if (!/^\d+$/.test(value) || Number(value) < 1)
          throw new CommandError('Expected --timeout-ms as a positive integer, received another value.');
        timeoutMs = Number(value);
        break;
      case '--url': {
        const at = value.indexOf('=');
        const id = at > 0 ? value.slice(0, at) : '';
        if (!isInstanceId(id) || at === value.length - 1) {
          throw new CommandError('Expected --url as INSTANCE=ADDRESS with an instance of the region, received another form.');
        }
        urls[id] = value.slice(at + 1);
        break;
      }
    }
  }
  const [command, ...args] = rest;
  return {
    ...(command !== undefined && { command }),
    args,
    // Without --fixtures, the bundled fixtures serve whatever has no --url; with --url only, nothing is emulated.
    ...(fixturesDir !== undefined ? { fixturesDir } : Object.keys(urls).length === 0 ? { fixturesDir: BUNDLED_FIXTURES } : {}),
    urls,
    outDir,
    ...(today !== undefined && { today }),
    timeoutMs,
    quiet,
    help,
  };
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], streams: CliStreams, signal?: AbortSignal): Promise<number> {
  let opts: CommonOptions;
  try {
    opts = parseCommon(argv);
    if (opts.help) {
      streams.stdout.write(USAGE);
      return EXIT.CLEAN;
    }
    if (opts.command === undefined)
      throw new CommandError('Expected a command (check, conflicts, diff or sample), received none; --help lists them.');
    if (!(opts.command in COMMANDS))
      throw new CommandError('Expected a command (check, conflicts, diff or sample), received another word; --help lists them.');
    if (opts.fixturesDir !== undefined && !(existsSync(opts.fixturesDir) && statSync(opts.fixturesDir).isDirectory())) {
      throw new CommandError(`Expected --fixtures as a directory, received ${opts.fixturesDir}, which is not one.`);
    }
  } catch (err) {
    return couldNotRun(err, streams);
  }

  let module: Partial<Command>;
  try {
    module = await COMMANDS[opts.command]!();
  } catch (err) {
    const missing =
      (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`commands/${opts.command}.ts`);
    return couldNotRun(missing ? new CommandError(`The ${opts.command} command is not part of this build.`) : err, streams);
  }
  if (typeof module.run !== 'function')
    return couldNotRun(new CommandError(`The ${opts.command} command is not part of this build.`), streams);

  const today = opts.today ?? manifestToday(opts.fixturesDir) ?? helsinkiToday(systemClock);
  const fixed = opts.today !== undefined || manifestToday(opts.fixturesDir) !== undefined;
  const clock = fixed ? fixedClock(today) : systemClock;
  const controller = new AbortController();
  // Every in-flight request of every adapter listens to this one signal.
  setMaxListeners(0, controller.signal);
  signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  const io: CommandIo = {
    openSources: (instances) =>
      openSources(
        { ...(opts.fixturesDir !== undefined && { fixturesDir: opts.fixturesDir }), urls: opts.urls, timeoutMs: opts.timeoutMs, clock },
        instances,
      ),
    today,
    clock,
    ...(opts.fixturesDir !== undefined && { fixturesDir: opts.fixturesDir }),
    outDir: opts.outDir,
    timeoutMs: opts.timeoutMs,
    progress: (label, unit) => (opts.quiet ? SILENT : new StderrProgress(label, unit, streams.stderr)),
    note: (line) => {
      if (!opts.quiet) streams.stderr.write(`${line}\n`);
    },
    signal: controller.signal,
  };

  let result: CommandResult;
  try {
    result = await module.run(opts.args, io);
  } catch (err) {
    if (controller.signal.aborted)
      return couldNotRun(new CommandError('Interrupted before the run completed; no report was written.'), streams);
    return couldNotRun(err, streams);
  }
  let files: string[];
  try {
    files = await writeReports(result, opts.outDir, opts.command);
  } catch (err) {
    return couldNotRun(new CommandError(`Could not write the reports into ${opts.outDir}: ${(err as Error).message}`), streams);
  }
  if (opts.quiet)
    streams.stdout.write(`${result.command}: ${result.status === 'clean' ? 'clean' : 'problems found'}; reports: ${files.join(', ')}\n`);
  else streams.stdout.write(renderTerminal(result, files));
  return result.status === 'clean' ? EXIT.CLEAN : EXIT.PROBLEMS;
}

function couldNotRun(err: unknown, streams: CliStreams): number {
  const message =
    err instanceof CommandError ? err.message : `Could not run: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  streams.stderr.write(`npm run migration: ${message}\n`);
  if (!(err instanceof CommandError) && process.env['MIGRATION_DEBUG'] && err instanceof Error) streams.stderr.write(`${err.stack}\n`);
  return EXIT.COULD_NOT_RUN;
}

/** The `today` of a generated region (its manifest), so that "future" means what the generator meant. */
function manifestToday(dir: string | undefined): IsoDate | undefined {
  if (dir === undefined) return undefined;
  try {
    const m = JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')) as { today?: unknown };
    return typeof m.today === 'string' && isValidIsoDate(m.today) ? m.today : undefined;
  } catch {
    return undefined;
  }
}

/** Noon in Helsinki on that day. */
function fixedClock(day: IsoDate): Clock {
  const [year, month, d] = day.split('-').map(Number) as [number, number, number];
  const r = fromHelsinkiLocal({ year, month, day: d, hour: 12, minute: 0, second: 0 });
  const ms = r.ok ? r.epochMs : Date.now();
  return { now: () => new Date(ms) };
}

const SILENT: Progress = { update() {}, finish() {} };

/**
 * Progress on stderr: nothing for the first 1.5 s, then a line at most every
 * 250 ms on a terminal (rewritten in place) or every 5 s in a log.
 */
class StderrProgress implements Progress {
  private readonly start = Date.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly label: string,
    private readonly unit: string,
    private readonly stderr: CliStreams['stderr'],
  ) {}

  update(done: number, total?: number): void {
    const now = Date.now();
    if (now - this.start < 1_500 || now - this.last < (this.stderr.isTTY ? 250 : 5_000)) return;
    this.last = now;
    this.shown = true;
    const rate = done / ((now - this.start) / 1000);
    const of = total !== undefined ? ` / ${total}` : '';
    const pct = total ? ` (${Math.floor((100 * done) / total)} %)` : '';
    const left = total && rate > 0 ? `, about ${Math.ceil((total - done) / rate)} s left` : '';
    const line = `${this.label}: ${done}${of} ${this.unit}${pct}, ${Math.round(rate)} ${this.unit}/s${left}`;
    this.stderr.write(this.stderr.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }

  finish(done: number): void {
    const s = (Date.now() - this.start) / 1000;
    if (!this.shown && s < 1.5) return;
    const line = `${this.label}: ${done} ${this.unit} in ${s.toFixed(1)} s, ${Math.round(done / s)} ${this.unit}/s`;
    this.stderr.write(this.stderr.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('SIGINT')));
  process.once('SIGTERM', () => controller.abort(new Error('SIGTERM')));
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, controller.signal);
  // Why exit explicitly: keep-alive sockets and pools must not hold the process open after the report is out.
  process.exit(code);
}
