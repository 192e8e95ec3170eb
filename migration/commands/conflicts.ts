/**
 * `conflicts [--municipality M]`: reads every person's basic data from
 * every record instance (or those serving M, keeping M's records) and
 * compares it with VTJ, the master: name, address, municipality, language,
 * turvakielto, death.
 */
import { parseArgs } from 'node:util';
import { INSTANCES, MUNICIPALITIES, formatInstant, type ChangedPerson, type ReadOptions } from '../../domain/index.ts';
import { mapBounded } from '../../adapters/wire/concurrency.ts';
import { ConflictsAggregator } from '../conflicts/aggregate.ts';
import type { CommandResult } from '../report/types.ts';
import { readInstance } from '../source/read.ts';
import { CommandError, type CommandIo } from './io.ts';
import { positiveInt, readFailure } from './shared.ts';

/**
 * Basic data only: no fee years and an appointment window no appointment
 * falls in, so each read asks the source for as little as its interface allows.
 */
const BASIC_DATA_ONLY: ReadOptions = { feeYears: [], appointmentsFrom: '1900-01-01', appointmentsTo: '1900-01-01' };
/** Instances read at the same time. */
const INSTANCES_AT_ONCE = 3;

/** Runs `conflicts`. */
export async function run(args: readonly string[], io: CommandIo): Promise<CommandResult> {
  const { municipality, batchSize, concurrency } = parse(args);
  const instances = INSTANCES.filter(
    (i) => i.product !== 'vtj' && (municipality === undefined || i.municipalities.includes(municipality as never)),
  ).map((i) => i.id);
  const started = Date.now();
  const sources = await io.openSources(instances);
  try {
    const agg = new ConflictsAggregator(instances, municipality);
    // A few instances at a time: most are small, and one instance's reads alone leave the sources idle between round trips.
    await mapBounded(instances, INSTANCES_AT_ONCE, async (instance) => {
      const shared = INSTANCES.find((i) => i.id === instance)!.municipalities.length > 1;
      await readInstance({
        adapter: sources.adapter(instance),
        vtj: sources.vtj,
        readOptions: BASIC_DATA_ONLY,
        batchSize,
        concurrency,
        signal: io.signal,
        // A shared instance's listing may say the municipality; then the others' persons need not be read at all.
        ...(municipality !== undefined &&
          shared && { include: (p: ChangedPerson) => p.municipality === undefined || p.municipality === municipality }),
        onBatch: (reads) => {
          for (const r of reads) agg.person(instance, r.listed, r.ordinal, r.slot, r.vtj);
        },
        progress: io.progress(`conflicts ${instance}`, 'persons'),
      }).catch((err: unknown) => {
        throw readFailure(instance, err);
      });
    });
    return agg.result({ startedAt: formatInstant(started), durationMs: Date.now() - started });
  } finally {
    await sources.close();
  }
}

function parse(args: readonly string[]): { municipality?: string; batchSize?: number; concurrency?: number } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: { municipality: { type: 'string' }, batch: { type: 'string' }, concurrency: { type: 'string' } },
    });
  } catch (err) {
    throw new CommandError(`conflicts: ${(err as Error).message.replace(/\.?$/, '.')}`);
  }
  const v = parsed.values;
  let municipality: string | undefined;
  if (v.municipality !== undefined) {
    const want = v.municipality.trim().toLocaleLowerCase('fi-FI');
    const m = MUNICIPALITIES.find(
      (x) => x.code === want || x.nameFi.toLocaleLowerCase('fi-FI') === want || x.nameSv.toLocaleLowerCase('fi-FI') === want,
    );
    if (!m) {
      throw new CommandError(
        `conflicts: expected --municipality as one of the region's codes or names (${MUNICIPALITIES.map((x) => `${x.code} ${x.nameFi}`).join(', ')}), received another.`,
      );
    }
    municipality = m.code;
  }
  return {
    ...(municipality !== undefined && { municipality }),
    ...(v.batch !== undefined && { batchSize: positiveInt('--batch', v.batch) }),
    ...(v.concurrency !== undefined && { concurrency: positiveInt('--concurrency', v.concurrency) }),
  };
}
