/**
 * `sample <instance> --persons N [--seed S] [--fee-years YYYY-YYYY]
 * [--no-verify]` (plus the CLI's common --fixtures / --url / --out /
 * --today / --timeout-ms).
 *
 * A pseudonymised sample of an instance in its own native format, written
 * to `{out}/{instance}/` and `{out}/vtj/` (the CLI's --out, where the
 * reports go too), then read back through the product's emulator and
 * adapter to check it (migration/sample/).
 */
import { resolve } from 'node:path';
import { formatInstant, type InstanceId, type ReadOptions } from '../../domain/index.ts';
import type { CommandResult } from '../report/types.ts';
import { parseCount, parseFeeYears, parseOptions, recordInstance } from '../diff/options.ts';
import { sampleResult } from '../sample/report.ts';
import { takeSample, type SampleOutcome } from '../sample/sample.ts';
import { verifySample } from '../sample/verify.ts';
import { CommandError, type CommandIo } from './io.ts';

export interface SampleOptions {
  readonly instance: InstanceId;
  readonly persons: number;
  readonly seed: number;
  readonly feeYears?: readonly number[];
  readonly verify: boolean;
}

/** Parses and validates sample's own options once; throws a CommandError with a one-sentence message. */
export function parseSampleOptions(args: readonly string[]): SampleOptions {
  const { values, positionals } = parseOptions(
    'sample',
    args,
    {
      persons: { type: 'string' },
      seed: { type: 'string' },
      'fee-years': { type: 'string' },
      'no-verify': { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) {
    throw new CommandError(`Expected one instance to sample, received ${positionals.length === 0 ? 'none' : positionals.length}.`);
  }
  const instance = recordInstance('sample', positionals[0]);
  const persons = parseCount('--persons', values.persons, 1, 10_000);
  const seedText = values.seed ?? '1';
  if (!/^-?\d{1,9}$/.test(seedText)) throw new CommandError(`Expected --seed as a whole number, received ${seedText}.`);
  const feeYears = parseFeeYears(values['fee-years']);
  return { instance, persons, seed: Number(seedText), ...(feeYears && { feeYears }), verify: values['no-verify'] !== true };
}

/**
 * Runs `sample`. Throws CommandError when the options are bad, the output
 * would overwrite the fixtures read, or the instance cannot be opened or
 * listed; the result's status says whether the sample read back faithfully.
 */
export async function run(args: readonly string[], io: CommandIo): Promise<CommandResult> {
  const options = parseSampleOptions(args);
  if (io.fixturesDir !== undefined && resolve(io.outDir) === resolve(io.fixturesDir)) {
    throw new CommandError(
      'Expected --out to differ from the fixtures directory, which the sample would overwrite, received the same directory.',
    );
  }
  const started = Date.now();
  const readOptions: ReadOptions = { ...(options.feeYears && { feeYears: options.feeYears }), signal: io.signal };
  const sources = await io.openSources([options.instance]);
  let outcome: SampleOutcome;
  try {
    const progress = io.progress(`sample ${options.instance}`, 'persons');
    outcome = await takeSample({
      adapter: sources.adapter(options.instance),
      vtj: sources.vtj,
      persons: options.persons,
      seed: options.seed,
      outDir: io.outDir,
      today: io.today,
      readOptions,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish(outcome.persons.length);
  } finally {
    await sources.close();
  }
  if (options.verify) io.note(`sample: reading the ${outcome.persons.length} written persons back from ${io.outDir}`);
  const verification = options.verify
    ? await verifySample(io.outDir, outcome, readOptions, { timeoutMs: io.timeoutMs, clock: io.clock })
    : undefined;
  return sampleResult(outcome, verification, {
    command: `sample ${options.instance} --persons ${options.persons}`,
    outDir: io.outDir,
    seed: options.seed,
    startedAt: formatInstant(started),
    durationMs: Date.now() - started,
  });
}
