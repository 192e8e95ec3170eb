/**
 * `check <instance> [--fee-years Y,Y] [--batch N] [--concurrency N]`: reads a
 * whole instance through its adapter (and every listed person from VTJ) and
 * reports its data quality: records per data group, errors by reason with
 * positions, identity-code quality, field completeness, unmapped codes,
 * persons not in VTJ, deceased persons with future appointments.
 */
import { parseArgs } from 'node:util';
import { INSTANCES, formatInstant, type InstanceId, type ReadOptions } from '../../domain/index.ts';
import { CheckAggregator } from '../check/aggregate.ts';
import type { CommandResult } from '../report/types.ts';
import { readInstance } from '../source/read.ts';
import { CommandError, type CommandIo } from './io.ts';
import { readFailure, positiveInt } from './shared.ts';

const RECORD_INSTANCES = INSTANCES.filter((i) => i.product !== 'vtj').map((i) => i.id);

/** Runs `check`. */
export async function run(args: readonly string[], io: CommandIo): Promise<CommandResult> {
  const { instance, readOptions: given, batchSize, concurrency } = parse(args);
  // Stated, not left to the adapter's default, so the report can say which years of fees it read.
  const year = Number(io.today.slice(0, 4));
  const readOptions: ReadOptions = { ...given, feeYears: given.feeYears ?? [year - 2, year - 1, year] };
  const started = Date.now();
  const sources = await io.openSources([instance]);
  try {
    const agg = new CheckAggregator(instance, io.today, readOptions.feeYears!);
    await readInstance({
      adapter: sources.adapter(instance),
      vtj: sources.vtj,
      readOptions,
      batchSize,
      concurrency,
      signal: io.signal,
      onListingIssues: (issues) => agg.listingIssues(issues),
      onDuplicate: (p, ordinal) => agg.duplicate(p, ordinal),
      onBatch: (reads) => {
        for (const r of reads) agg.person(r.listed, r.ordinal, r.slot, r.vtj);
      },
      progress: io.progress(`check ${instance}`, 'persons'),
    }).catch((err: unknown) => {
      throw readFailure(instance, err);
    });
    return agg.result({ startedAt: formatInstant(started), durationMs: Date.now() - started });
  } finally {
    await sources.close();
  }
}

function parse(args: readonly string[]): { instance: InstanceId; readOptions: ReadOptions; batchSize?: number; concurrency?: number } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { 'fee-years': { type: 'string' }, batch: { type: 'string' }, concurrency: { type: 'string' } },
    });
  } catch (err) {
    throw new CommandError(`check: ${(err as Error).message.replace(/\.?$/, '.')}`);
  }
  const [instance, ...rest] = parsed.positionals;
  if (instance === undefined || rest.length > 0) {
    throw new CommandError(
      `check: expected one instance (${RECORD_INSTANCES.join(', ')}), received ${instance === undefined ? 'none' : parsed.positionals.length}.`,
    );
  }
  if (!RECORD_INSTANCES.includes(instance as InstanceId)) {
    throw new CommandError(`check: expected an instance of the region (${RECORD_INSTANCES.join(', ')}), received another name.`);
  }
  const v = parsed.values;
  const readOptions: ReadOptions = v['fee-years'] !== undefined ? { feeYears: feeYears(v['fee-years']) } : {};
  return {
    instance: instance as InstanceId,
    readOptions,
    ...(v.batch !== undefined && { batchSize: positiveInt('--batch', v.batch) }),
    ...(v.concurrency !== undefined && { concurrency: positiveInt('--concurrency', v.concurrency) }),
  };
}

function feeYears(s: string): number[] {
  const years = s.split(',').map((y) => y.trim());
  if (years.length === 0 || years.some((y) => !/^\d{4}$/.test(y))) {
    throw new CommandError('check: expected --fee-years as comma-separated years (2024,2025,2026), received another form.');
  }
  return years.map(Number);
}
