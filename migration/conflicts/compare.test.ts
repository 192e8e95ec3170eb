/** Basic data against VTJ, kind by kind, on literal persons. */
import { describe, expect, it } from 'vitest';
import { makeHetu, type Product, type SourcePerson, type VtjPerson } from '../../domain/index.ts';
import { ConflictsAggregator } from './aggregate.ts';
import { compareWithVtj } from './compare.ts';

const HETU = makeHetu('1948-05-06', 913);

const VTJ: VtjPerson = {
  hetu: HETU,
  hetuInForce: true,
  surname: 'Åberg',
  firstNames: 'Karl Erik',
  address: { streetFi: 'Rantatie 5', streetSv: 'Strandvägen 5', postalCode: '06100', cityFi: 'Porvoo', citySv: 'Borgå' },
  municipality: { code: '638', nameFi: 'Porvoo', nameSv: 'Borgå' },
  language: 'sv',
  turvakielto: false,
  guardians: [],
  dependants: [],
};

function person(product: Product, extra: Partial<SourcePerson> = {}): SourcePerson {
  return {
    hetu: HETU,
    surname: 'Åberg',
    firstNames: 'Karl Erik',
    municipality: '638',
    language: 'sv',
    address: { street: 'Strandvägen 5', postalCode: '06100', city: 'Borgå' },
    turvakielto: false,
    source: { instance: 'lifecare-porvoo', product, municipality: '638', localId: '1001' },
    ...extra,
  };
}

describe('compareWithVtj', () => {
  it('finds nothing when the source holds VTJ’s data in the Swedish forms, in other case and spacing', () => {
    expect(compareWithVtj(person('lifecare', { surname: 'ÅBERG', firstNames: 'Karl  Erik ' }), VTJ)).toEqual([]);
    expect(compareWithVtj(person('lifecare', { address: { street: 'Rantatie 5', postalCode: '06100', city: 'Porvoo' } }), VTJ)).toEqual([]);
  });

  it('reports each kind with both values', () => {
    const d = compareWithVtj(
      person('lifecare', {
        surname: 'Ã\u0085berg',
        address: { street: 'Vanha Rantatie 5', postalCode: '06100', city: 'Porvoo' },
        municipality: '018',
        language: 'fi',
        turvakielto: true,
        deathDate: '2026-01-02',
      }),
      VTJ,
    );
    expect(d.map((x) => x.kind)).toEqual(['name', 'address', 'municipality', 'language', 'turvakielto', 'death']);
    expect(d.find((x) => x.kind === 'address')).toEqual({
      kind: 'address',
      source: { street: 'Vanha Rantatie 5', postalCode: '06100', city: 'Porvoo' },
      vtj: VTJ.address,
    });
    expect(d.find((x) => x.kind === 'death')).toEqual({ kind: 'death', source: '2026-01-02', vtj: null });
  });

  it('compares death only where the interface can say it, and reports a death the source does not know', () => {
    const dead = { ...VTJ, deathDate: '2026-03-04' };
    expect(compareWithVtj(person('lifecare'), dead).map((x) => x.kind)).toEqual(['death']);
    expect(compareWithVtj(person('pegasos'), dead).map((x) => x.kind)).toEqual(['death']);
    for (const p of ['effica', 'mediatri', 'proconsona'] as const) expect(compareWithVtj(person(p), dead)).toEqual([]);
  });

  it('leaves out what the source does not say, and counts an address VTJ does not hold', () => {
    const bare: SourcePerson = {
      hetu: HETU,
      surname: 'Åberg',
      firstNames: 'Karl Erik',
      turvakielto: false,
      source: person('effica').source,
    };
    expect(compareWithVtj(bare, VTJ)).toEqual([]);
    const { address: _drop, ...noAddress } = VTJ;
    expect(compareWithVtj(person('effica'), noAddress).map((x) => x.kind)).toEqual(['address']);
  });
});

describe('ConflictsAggregator', () => {
  it('groups a person’s conflict of one kind across instances and shows no codes or values in its sections', () => {
    const agg = new ConflictsAggregator(['lifecare-porvoo', 'effica-porvoo']);
    const moved = { address: { street: 'Vanha Rantatie 5', postalCode: '06100', city: 'Porvoo' } };
    agg.person(
      'lifecare-porvoo',
      { hetu: HETU },
      1,
      { records: { ...emptyOf('lifecare-porvoo'), person: person('lifecare', moved) }, issues: [] },
      VTJ,
    );
    const efficaPerson = person('effica', {
      ...moved,
      source: { instance: 'effica-porvoo', product: 'effica', municipality: '638', localId: HETU },
    });
    agg.person(
      'effica-porvoo',
      { hetu: HETU, localId: HETU },
      4,
      { records: { ...emptyOf('effica-porvoo'), person: efficaPerson }, issues: [] },
      VTJ,
    );
    const d = agg.details();
    expect(d.conflicts).toHaveLength(1);
    expect(d.conflicts[0]!.records.map((r) => [r.instance, r.person])).toEqual([
      ['lifecare-porvoo', 'person 1001'],
      ['effica-porvoo', 'listed person #4'],
    ]);
    const result = agg.result({ startedAt: '2026-11-23T10:00:00+02:00', durationMs: 1 });
    expect(result.status).toBe('problems');
    expect(result.summary['address conflicts']).toBe(2);
    const shown = JSON.stringify(result.sections);
    expect(shown).not.toContain(HETU);
    expect(shown).not.toContain('Vanha');
    expect(shown).not.toContain('Åberg');
    const table = result.sections.find((s) => s.id === 'conflicts')!.table!;
    expect(table.rows).toEqual([
      ['effica-porvoo', 'listed person #4', 'Porvoo (638)', 'address', 'lifecare-porvoo'],
      ['lifecare-porvoo', 'person 1001', 'Porvoo (638)', 'address', 'effica-porvoo'],
    ]);
  });
});

function emptyOf(instance: 'lifecare-porvoo' | 'effica-porvoo') {
  return { hetu: HETU, instance, customerships: [], decisions: [], plans: [], appointments: [], fees: [], consents: [] };
}
