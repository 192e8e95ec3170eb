/**
 * `npm run bench:adapters -- [--fixtures DIR] [--persons N]`: each adapter's
 * time to read one person from its emulator over a real socket, and each
 * emulator's start time, on any region directory (e.g. a generated
 * 100 000-person one). Persons are read one at a time, after a warm-up, and
 * the median and p95 are reported; all adapters run in one process, side by
 * side, so the figures compare with each other.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AdapterError, INSTANCES, type InstanceId } from '../domain/index.ts';
import { type RunningEmulator } from '../adapters/emulator/faults.ts';
import { closeEmulators, startEmulator } from '../adapters/emulators.ts';
import { createSources } from '../adapters/sources.ts';

const { values } = parseArgs({
  options: { fixtures: { type: 'string', default: 'fixtures' }, persons: { type: 'string', default: '100' } },
});
const dir = resolve(values.fixtures!);
const sample = Number(values.persons);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { today: string };
const clock = { now: () => new Date(`${manifest.today}T10:00:00+02:00`) };

const emulators = new Map<InstanceId, RunningEmulator>();
const startMs = new Map<InstanceId, number>();
for (const inst of INSTANCES) {
  const t = performance.now();
  emulators.set(inst.id, await startEmulator(inst.id, dir));
  startMs.set(inst.id, performance.now() - t);
}
const sources = await createSources({ addresses: Object.fromEntries([...emulators].map(([id, e]) => [id, e.address])), clock });

function codesOf(instance: InstanceId): string[] {
  const lines = readFileSync(join(dir, 'truth', `${instance}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const step = Math.max(1, Math.floor(lines.length / (sample + 10)));
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < sample + 10; i += step) out.push((JSON.parse(lines[i]!) as { hetu: string }).hetu);
  return out;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const rows: string[] = [];
for (const inst of INSTANCES) {
  const codes = codesOf(inst.id);
  const read =
    inst.id === 'vtj' ? (h: string) => sources.vtj.readPersons([h]) : (h: string) => sources.adapters.get(inst.id)!.readPersons([h]);
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < sample + 10; i++) {
    const hetu = codes[i % codes.length]!;
    const t = performance.now();
    const [slot] = await read(hetu);
    const ms = performance.now() - t;
    if (slot instanceof AdapterError) errors++;
    if (i >= 10) times.push(ms); // the first ten warm up connections and code paths
  }
  rows.push(
    `${inst.id.padEnd(20)} start ${(startMs.get(inst.id)! / 1000).toFixed(1).padStart(5)} s   read one person: median ${quantile(times, 0.5).toFixed(1).padStart(6)} ms  p95 ${quantile(times, 0.95).toFixed(1).padStart(6)} ms  (${times.length} persons, ${errors} errors)`,
  );
}
process.stdout.write(`Region ${dir}\n${rows.join('\n')}\n`);
await sources.close();
await closeEmulators(new Map(emulators));
process.exit(0);
