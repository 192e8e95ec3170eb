/**
 * What the statistics' per-person contributions cost the leader in memory
 * and time (issue 14, item 5): folds every record instance of a generated
 * region's truth files (the records the sources hold) into `Contributions`,
 * then measures the heap it keeps (after a garbage collection, records
 * dropped) and the time one person's replacement takes.
 *
 *   node --expose-gc --import tsx bench/statistics/memory.ts /tmp/gen100k
 *
 * Prints one JSON line. The truth files hold identity codes: nothing of
 * them is printed.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SourceRecords } from '../../domain/model.ts';
import type { InstanceId } from '../../domain/region.ts';
import { Contributions } from '../../subgraphs/region/statistics/contributions.ts';

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('expected node --expose-gc, received a node without gc()');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('expected the fixtures directory as the argument, received none');
  const truth = join(dir, 'truth');
  const files = readdirSync(truth).filter((f) => f.endsWith('.jsonl') && f !== 'vtj.jsonl');
  const before = heap();
  const c = new Contributions();
  let records = 0;
  const t0 = performance.now();
  let foldMs = 0;
  const sample: { hetu: string; instance: InstanceId; records: SourceRecords }[] = [];
  for (const file of files) {
    for await (const line of createInterface({ input: createReadStream(join(truth, file)) })) {
      if (!line) continue;
      const r = JSON.parse(line) as SourceRecords & { hetu: string; instance: InstanceId };
      // The parsed line is dropped after the fold, as a read's records are; only the code is kept, as the key.
      const hetu = r.hetu;
      const f0 = performance.now();
      c.set(hetu, r.instance, r);
      foldMs += performance.now() - f0;
      records++;
      if (sample.length < 1_000 && records % 97 === 0) sample.push({ hetu, instance: r.instance, records: r });
    }
  }
  const loadMs = performance.now() - t0;
  const replaceStart = performance.now();
  for (let round = 0; round < 10; round++) for (const s of sample) c.set(s.hetu, s.instance, s.records);
  const replaceUs = ((performance.now() - replaceStart) * 1000) / (10 * sample.length);
  sample.length = 0;
  const after = heap();
  const bytes = after - before;
  process.stdout.write(
    `${JSON.stringify({
      persons: c.size,
      instanceRecords: records,
      heapBytes: bytes,
      bytesPerPerson: Math.round(bytes / c.size),
      foldMsTotal: Math.round(foldMs),
      readAndFoldMs: Math.round(loadMs),
      replaceMicrosecondsPerPersonInstance: Number(replaceUs.toFixed(2)),
      node: process.version,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/statistics/memory: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
