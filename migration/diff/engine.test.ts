import { describe, expect, it } from 'vitest';
import {
  AdapterError,
  emptyRecords,
  instance as instanceOf,
  makeHetu,
  type ChangedPage,
  type InstanceId,
  type PersonSlot,
  type ReadOptions,
  type SourceAdapter,
  type SourceRecords,
} from '../../domain/index.ts';
import { diffInstances } from './engine.ts';
import { diffResult } from './report.ts';

/** An in-memory adapter: records by code, a listing that may or may not say municipalities. */
function fakeAdapter(
  id: InstanceId,
  people: SourceRecords[],
  opts: { listMunicipality?: boolean; failFor?: string; failListing?: boolean } = {},
) {
  const byHetu = new Map(people.map((p) => [p.hetu, p]));
  const reads: { hetus: string[]; options: ReadOptions }[] = [];
  const adapter: SourceAdapter = {
    instance: id,
    product: instanceOf(id).product,
    async readPersons(hetus, options = {}) {
      reads.push({ hetus: [...hetus], options });
      return hetus.map((h): PersonSlot => {
        if (h === opts.failFor) return new AdapterError('SOURCE_UNAVAILABLE', id, 'expected an answer within 5000 ms, received none');
        const r = byHetu.get(h);
        if (!r) return { records: emptyRecords(h, id), issues: [] };
        const trimmed = options.feeYears?.length === 0 ? { ...r, fees: [], appointments: [] } : r;
        return { records: trimmed, issues: [{ code: 'MALFORMED_RECORD', source: id, position: 'x', reason: 'y' }] };
      });
    },
    async *listChanged(): AsyncIterable<ChangedPage> {
      if (opts.failListing) throw new AdapterError('SOURCE_UNAVAILABLE', id, 'expected an answer, received a refused connection');
      yield {
        persons: people.map((p) => ({
          hetu: p.hetu,
          ...(opts.listMunicipality && p.person?.municipality && { municipality: p.person.municipality }),
        })),
        issues: [{ code: 'INVALID_IDENTITY_CODE', source: id, position: 'row 3', reason: 'check character' }],
      };
    },
    async close() {},
  };
  return { adapter, reads };
}

function person(instance: InstanceId, n: number, municipality: '504' | '616' | '638', extra: Partial<SourceRecords> = {}): SourceRecords {
  const hetu = makeHetu('1980-01-01', 900 + n);
  const prov = {
    instance,
    product: instanceOf(instance).product,
    municipality: instance === 'lifecare-porvoo' ? '638' : municipality,
    localId: String(n),
  } as const;
  return {
    ...emptyRecords(hetu, instance),
    person: { hetu, surname: `S${n}`, firstNames: 'F', municipality, turvakielto: false, source: prov },
    fees: [
      {
        register: 'HEALTH',
        date: '2026-01-01',
        description: 'Maksu',
        amountCents: 1000 + n,
        accruesToCeiling: true,
        status: 'PAID',
        source: prov,
      },
    ],
    ...extra,
  };
}

describe('diffInstances', () => {
  it('restricts to the municipality, placing persons only B lists by reading them lightly', async () => {
    const a = fakeAdapter('lifecare-phhyky', [
      person('lifecare-phhyky', 1, '504'),
      person('lifecare-phhyky', 2, '616'),
      person('lifecare-phhyky', 3, '504'),
    ]);
    const b = fakeAdapter('lifecare-porvoo', [
      person('lifecare-porvoo', 1, '504'),
      person('lifecare-porvoo', 3, '504'),
      person('lifecare-porvoo', 4, '504'), // in B only: an extra person of Myrskylä
      person('lifecare-porvoo', 5, '638'), // a Porvoo patient: out of scope
    ]);
    const progress: string[] = [];
    const o = await diffInstances({
      from: a.adapter,
      to: b.adapter,
      municipality: '504',
      targetScan: true,
      batchSize: 2,
      onProgress: (phase, done, total) => progress.push(`${phase} ${done}/${total}`),
    });
    expect(o.persons).toMatchObject({ compared: 3, outOfScope: 2, withDifferences: 1, unreadable: 0, notScanned: 0 });
    expect(o.groups.person).toMatchObject({ matched: 2, extra: 1 });
    expect(o.groups.fees).toMatchObject({ matched: 2, extra: 1, missing: 0 });
    expect(o.findings.map((f) => f.kind)).toEqual(['extra', 'extra']);
    // The two persons only B lists were first read without fees or appointments.
    expect(b.reads[0]!.options).toEqual({ feeYears: [], appointmentsFrom: '1900-01-01', appointmentsTo: '1900-01-01' });
    expect(b.reads[0]!.hetus.sort()).toEqual([makeHetu('1980-01-01', 904), makeHetu('1980-01-01', 905)].sort());
    expect(progress.at(-1)).toBe('compare 4/4');
    expect(o.issues.from).toEqual({ INVALID_IDENTITY_CODE: 1, MALFORMED_RECORD: 3 });
  });

  it('without the target scan, persons only B lists are counted as not read; a listing that names municipalities needs no scan', async () => {
    const a = fakeAdapter('lifecare-phhyky', [person('lifecare-phhyky', 1, '504')]);
    const b = fakeAdapter('lifecare-porvoo', [person('lifecare-porvoo', 1, '504'), person('lifecare-porvoo', 4, '504')]);
    const o = await diffInstances({ from: a.adapter, to: b.adapter, municipality: '504', targetScan: false });
    expect(o.persons).toMatchObject({ compared: 1, notScanned: 1, withDifferences: 0 });
    const listing = fakeAdapter(
      'lifecare-porvoo',
      [person('lifecare-porvoo', 1, '504'), person('lifecare-porvoo', 4, '504'), person('lifecare-porvoo', 5, '638')],
      { listMunicipality: true },
    );
    const o2 = await diffInstances({ from: a.adapter, to: listing.adapter, municipality: '504', targetScan: false });
    expect(o2.persons).toMatchObject({ compared: 2, notScanned: 0, withDifferences: 1 });
    expect(listing.reads.flatMap((r) => r.hetus)).not.toContain(makeHetu('1980-01-01', 905));
  });

  it('a person one side cannot read is unreadable, not a difference, and the diff is not clean', async () => {
    const hetu = makeHetu('1980-01-01', 901);
    const a = fakeAdapter('lifecare-phhyky', [person('lifecare-phhyky', 1, '504'), person('lifecare-phhyky', 3, '504')]);
    const b = fakeAdapter('lifecare-porvoo', [person('lifecare-porvoo', 1, '504'), person('lifecare-porvoo', 3, '504')], { failFor: hetu });
    const o = await diffInstances({ from: a.adapter, to: b.adapter });
    expect(o.persons).toMatchObject({ compared: 1, unreadable: 1, withDifferences: 0 });
    expect(o.findings).toEqual([
      { hetu, kind: 'unreadable', side: 'to', code: 'SOURCE_UNAVAILABLE', message: 'expected an answer within 5000 ms, received none' },
    ]);
    const r = diffResult(o, {
      command: 'diff',
      from: 'lifecare-phhyky',
      to: 'lifecare-porvoo',
      baseline: false,
      startedAt: '2026-11-23T10:00:00+02:00',
      durationMs: 5,
    });
    expect(r.status).toBe('problems');
    expect(r.summary.personsUnreadable).toBe(1);
    expect(r.sections.find((s) => s.id === 'issues')!.table!.rows).toContainEqual(['B (to)', 'SOURCE_UNAVAILABLE', 1]);
  });

  it('rejects with one sentence when a side cannot be listed', async () => {
    const a = fakeAdapter('lifecare-phhyky', [], { failListing: true });
    const b = fakeAdapter('lifecare-porvoo', []);
    await expect(diffInstances({ from: a.adapter, to: b.adapter })).rejects.toThrow(
      /^Could not list the persons of lifecare-phhyky \(SOURCE_UNAVAILABLE: expected an answer, received a refused connection\)\.$/,
    );
  });

  it('keeps findings up to the cap and counts the rest', async () => {
    const a = fakeAdapter(
      'lifecare-phhyky',
      [1, 2, 3].map((n) => person('lifecare-phhyky', n, '504')),
    );
    const b = fakeAdapter('lifecare-porvoo', []);
    const o = await diffInstances({ from: a.adapter, to: b.adapter, maxFindings: 4 });
    expect(o.groups.person.missing).toBe(3);
    expect(o.groups.fees.missing).toBe(3);
    expect(o.findings).toHaveLength(4);
    expect(o.findingsLeftOut).toBe(2);
  });
});
