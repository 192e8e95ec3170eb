/**
 * `diff --from A --to B [--municipality M] [--baseline-fixtures DIR |
 * --baseline-url ADDRESS] [--fee-years YYYY-YYYY] [--no-target-scan]
 * [--concurrency N]`
 * (plus the CLI's common --fixtures / --url / --today / --timeout-ms).
 *
 * Migration validation: reads both instances through their adapters and
 * compares each person's canonical records (migration/diff/compare.ts).
 * The baseline is the target as it was before the migration: with it,
 * what the target already held (a person's own records and basic data) is
 * not reported as a difference.
 */
import { formatInstant, municipality as municipalityOf, MUNICIPALITIES, type InstanceId, type ReadOptions } from '../../domain/index.ts';
import type { CommandResult } from '../report/types.ts';
import { diffInstances } from '../diff/engine.ts';
import { parseCount, parseFeeYears, parseOptions, recordInstance } from '../diff/options.ts';
import { diffResult } from '../diff/report.ts';
import { openSources as openExtra, type Endpoint, type OpenedSources as ExtraSources } from '../diff/sources.ts';
import { CommandError, type CommandIo } from './io.ts';

export interface DiffOptions {
  readonly from: InstanceId;
  readonly to: InstanceId;
  readonly municipality?: string;
  /** Where the target as it was before the migration is read. */
  readonly baseline?: Endpoint;
  readonly feeYears?: readonly number[];
  readonly targetScan: boolean;
  /** Batches of 20 persons read at once. */
  readonly concurrency?: number;
}

/** Parses and validates diff's own options once; throws a CommandError with a one-sentence message. */
export function parseDiffOptions(args: readonly string[]): DiffOptions {
  const { values } = parseOptions('diff', args, {
    from: { type: 'string' },
    to: { type: 'string' },
    municipality: { type: 'string' },
    'baseline-fixtures': { type: 'string' },
    'baseline-url': { type: 'string' },
    'fee-years': { type: 'string' },
    'no-target-scan': { type: 'boolean' },
    concurrency: { type: 'string' },
  });
  const from = recordInstance('--from', values.from);
  const to = recordInstance('--to', values.to);
  if (from === to) throw new CommandError(`Expected --from and --to to name two instances, received ${from} for both.`);
  let municipality: string | undefined;
  if (values.municipality !== undefined) {
    if (!municipalityOf(values.municipality)) {
      throw new CommandError(
        `Expected --municipality as one of ${MUNICIPALITIES.map((m) => m.code).join(', ')}, received ${values.municipality}.`,
      );
    }
    municipality = values.municipality;
  }
  if (values['baseline-fixtures'] !== undefined && values['baseline-url'] !== undefined) {
    throw new CommandError('Expected either --baseline-fixtures DIR or --baseline-url ADDRESS, received both.');
  }
  const baseline: Endpoint | undefined =
    values['baseline-fixtures'] !== undefined
      ? { fixturesDir: values['baseline-fixtures'] }
      : values['baseline-url'] !== undefined
        ? { address: values['baseline-url'] }
        : undefined;
  const feeYears = parseFeeYears(values['fee-years']);
  return {
    from,
    to,
    ...(municipality !== undefined && { municipality }),
    ...(baseline && { baseline }),
    ...(feeYears && { feeYears }),
    targetScan: values['no-target-scan'] !== true,
    ...(values.concurrency !== undefined && { concurrency: parseCount('--concurrency', values.concurrency, 1, 32) }),
  };
}

/**
 * Runs `diff`. Throws CommandError when the options are bad or an instance
 * cannot be opened or listed (could not run); otherwise the result's
 * status says whether any difference was found.
 */
export async function run(args: readonly string[], io: CommandIo): Promise<CommandResult> {
  const options = parseDiffOptions(args);
  const started = Date.now();
  const sources = await io.openSources([options.from, options.to]);
  let extra: ExtraSources | undefined;
  try {
    if (options.baseline) {
      extra = await openExtra([{ instance: options.to, endpoint: options.baseline }], undefined, {
        timeoutMs: io.timeoutMs,
        clock: io.clock,
        directory: sources.vtj,
      });
    }
    const readOptions: ReadOptions = { ...(options.feeYears && { feeYears: options.feeYears }), signal: io.signal };
    const scan = io.progress(`diff: placing persons only ${options.to} lists`, 'persons');
    // Started at the first compared batch, so its rate is the comparison's own.
    let compare: ReturnType<CommandIo['progress']> | undefined;
    let scanned = 0;
    let compared = 0;
    const baseline = extra?.adapters[0];
    const outcome = await diffInstances({
      from: sources.adapter(options.from),
      to: sources.adapter(options.to),
      ...(baseline && { baseline }),
      ...(options.municipality !== undefined && { municipality: options.municipality }),
      readOptions,
      targetScan: options.targetScan,
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      onProgress: (phase, done, total) => {
        if (phase === 'scan') {
          scanned = done;
          scan.update(done, total);
          if (done === total) scan.finish(done);
        } else {
          compared = done;
          compare ??= io.progress(`diff ${options.from} → ${options.to}`, 'persons');
          compare.update(done, total);
        }
      },
    });
    compare?.finish(compared);
    if (scanned === 0 && outcome.persons.notScanned > 0) {
      io.note(`diff: ${outcome.persons.notScanned} persons only ${options.to} lists were not read (--no-target-scan).`);
    }
    const command = `diff --from ${options.from} --to ${options.to}${options.municipality ? ` --municipality ${options.municipality}` : ''}`;
    return diffResult(outcome, {
      command,
      from: options.from,
      to: options.to,
      ...(options.municipality !== undefined && { municipality: options.municipality }),
      baseline: baseline !== undefined,
      ...(options.feeYears && { feeYears: options.feeYears }),
      startedAt: formatInstant(started),
      durationMs: Date.now() - started,
    });
  } finally {
    await extra?.close();
    await sources.close();
  }
}
