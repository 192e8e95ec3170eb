/**
 * The demo users' descriptions match the bundled fixtures (issue 10, defect
 * 6): names and municipality as VTJ has them, sex and age from the identity
 * code on a given day (never a fixed age that goes stale), the relations the
 * notes claim, and the example citizen's records spread over municipalities
 * and products with a care relation to the physician demo user.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHetu } from '../../domain/hetu.ts';
import { municipality } from '../../domain/region.ts';
import type { SourceRecords, VtjPerson } from '../../domain/model.ts';
import { DEMO_PERSON_CODES } from '../../fixtures/generator/demo.ts';
import { consentInForce } from '../../subgraphs/access/policy.ts';
import { DEMO_PERSONS, DEMO_USERS, EXAMPLE_CHILD, EXAMPLE_CITIZEN, demoUser, describeDemoUser } from './demoUsers.ts';

const TRUTH = fileURLToPath(new URL('../../fixtures/truth', import.meta.url));
const jsonl = <T>(file: string): T[] =>
  readFileSync(join(TRUTH, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
const vtj = new Map(jsonl<VtjPerson>('vtj.jsonl').map((p) => [p.hetu, p]));
const records = readdirSync(TRUTH)
  .filter((f) => f !== 'vtj.jsonl')
  .flatMap((f) => jsonl<SourceRecords>(f));
const recordsOf = (hetu: string): SourceRecords[] => records.filter((r) => r.hetu === hetu);
const hetuOf = (id: string): string => (demoUser(id)!.identity as { hetu: string }).hetu;
/** The bundled fixtures' day (fixtures/manifest.json). */
const FIXTURES_TODAY = '2026-11-23';

describe('demo users', () => {
  it('are the persons VTJ has, by name and municipality, and are the demo persons', () => {
    for (const u of DEMO_USERS) {
      if (u.identity.kind !== 'citizen') {
        expect(u.person, u.id).toBeUndefined();
        continue;
      }
      const p = u.person!;
      expect(p.hetu, u.id).toBe(u.identity.hetu);
      const v = vtj.get(p.hetu);
      expect(v, u.id).toBeDefined();
      expect([v!.firstNames, v!.surname, v!.municipality?.code], u.id).toEqual([p.firstNames, p.surname, p.municipality]);
      // The label names the person (one of the first names and the surname) and the municipality they live in.
      expect(
        p.firstNames.split(' ').some((n) => u.label.startsWith(`${n} ${p.surname},`)),
        u.label,
      ).toBe(true);
      expect(u.label).toContain(`(${municipality(p.municipality)!.nameFi})`);
    }
    const child = vtj.get(EXAMPLE_CHILD.hetu)!;
    expect([child.firstNames, child.surname, child.municipality?.code]).toEqual([
      EXAMPLE_CHILD.firstNames,
      EXAMPLE_CHILD.surname,
      EXAMPLE_CHILD.municipality,
    ]);
    expect(new Set(DEMO_PERSONS.map((p) => p.hetu))).toEqual(
      new Set([...DEMO_USERS.flatMap((u) => (u.person ? [u.person.hetu] : [])), EXAMPLE_CHILD.hetu]),
    );
    // The example persons are the ones the generator plants.
    expect([EXAMPLE_CITIZEN.hetu, EXAMPLE_CHILD.hetu]).toEqual([DEMO_PERSON_CODES.ilona, DEMO_PERSON_CODES.onni]);
  });

  it('state no ages and no pronoun that contradicts the sex in the identity code', () => {
    for (const u of DEMO_USERS) {
      if (!u.person) continue;
      expect(`${u.label} ${u.note}`, u.id).not.toMatch(/\b\d{1,2}\b|year-old/);
      const info = checkHetu(u.person.hetu);
      const sex = info.ok ? info.info.sex : undefined;
      // Whose data the note speaks of: the user's own (minors) or their dependant's.
      const subject = u.id === 'guardian-prohibited' ? hetuOf('prohibiting-minor') : u.person.hetu;
      const subjectSex = (() => {
        const i = checkHetu(subject);
        return i.ok ? i.info.sex : undefined;
      })();
      if (/\b(her|she)\b/.test(u.note)) expect(subjectSex, u.id).toBe('FEMALE');
      if (/\b(his|he|him)\b/.test(u.note)) expect(subjectSex, u.id).toBe('MALE');
      expect(sex).toBeDefined();
    }
  });

  it('are described with sex and age from the identity code on the given day', () => {
    const minor = demoUser('minor')!;
    // Saga was born on 6 December 2012: 13 the day before, 14 on the day.
    expect(describeDemoUser(minor, '2026-12-05')).toContain(', girl, 13, lives in Sipoo;');
    expect(describeDemoUser(minor, '2026-12-06')).toContain(', girl, 14, lives in Sipoo;');
    expect(describeDemoUser(demoUser('prohibiting-minor')!, FIXTURES_TODAY)).toContain(', boy, 13, lives in Askola;');
    expect(describeDemoUser(demoUser('citizen')!, FIXTURES_TODAY)).toContain('170584-928L, woman, 42, lives in Porvoo;');
    expect(describeDemoUser(demoUser('physician')!, FIXTURES_TODAY)).toBe(
      `${demoUser('physician')!.label}: ${demoUser('physician')!.note}`,
    );
  });

  it('have the relations their notes claim', () => {
    const guardian = vtj.get(hetuOf('guardian'))!;
    expect(guardian.dependants).toContain(hetuOf('minor'));
    expect(guardian.dependants.map((d) => vtj.get(d)!.firstNames.split(' ')[0]).sort()).toEqual(['Erik', 'Saga']);
    expect(vtj.get(hetuOf('guardian-prohibited'))!.dependants).toContain(hetuOf('prohibiting-minor'));
    expect(vtj.get(hetuOf('prohibiting-minor'))!.guardians[0]).toBe(hetuOf('guardian-prohibited'));
    expect(
      consentInForce(
        recordsOf(hetuOf('prohibiting-minor')).flatMap((r) => r.consents),
        'KIELTO_HUOLTAJALLE',
        FIXTURES_TODAY,
      ),
    ).toBe(true);
    expect(
      recordsOf(hetuOf('minor'))
        .flatMap((r) => r.customerships)
        .some((c) => c.serviceTask === 'CHILD_WELFARE' && !c.endDate),
    ).toBe(true);
    const turvakielto = vtj.get(hetuOf('turvakielto'))!;
    expect([turvakielto.turvakielto, turvakielto.dependants.length]).toEqual([true, 3]);
    expect(vtj.get(EXAMPLE_CITIZEN.hetu)!.dependants).toEqual([EXAMPLE_CHILD.hetu]);
    expect(vtj.get(EXAMPLE_CHILD.hetu)!.guardians).toEqual([EXAMPLE_CITIZEN.hetu]);
  });

  it('the example citizen: records from two municipalities and four products, and the physician’s patient', () => {
    const own = recordsOf(EXAMPLE_CITIZEN.hetu);
    const sources = (pick: (r: SourceRecords) => readonly { source: { municipality: string; product: string } }[]) =>
      own.flatMap(pick).map((x) => x.source);
    for (const list of [sources((r) => r.appointments), sources((r) => r.fees), sources((r) => r.customerships)]) {
      expect(new Set(list.map((s) => s.municipality)).size).toBeGreaterThanOrEqual(2);
    }
    const products = new Set(
      [...sources((r) => r.appointments), ...sources((r) => r.fees), ...sources((r) => r.customerships)].map((s) => s.product),
    );
    expect([...products].sort()).toEqual(['effica', 'lifecare', 'mediatri', 'proconsona']);
    // No record the physician may not see: no oral health, no child welfare; social care data disclosed by consent.
    expect(own.flatMap((r) => r.appointments).every((a) => a.careArea === 'PRIMARY_HEALTH')).toBe(true);
    expect(own.flatMap((r) => r.customerships).every((c) => c.serviceTask !== 'CHILD_WELFARE' && !c.extraSensitive)).toBe(true);
    expect(
      consentInForce(
        own.flatMap((r) => r.consents),
        'LUOVUTUS_TERVEYDENHUOLTOON',
        FIXTURES_TODAY,
      ),
    ).toBe(true);
    const physician = demoUser('physician')!.identity;
    if (physician.kind !== 'professional') throw new Error('the physician is a professional');
    const withPhysician = own
      .flatMap((r) => r.appointments)
      .filter((a) => a.unit.oid !== undefined && physician.units.includes(a.unit.oid) && a.professional?.name === physician.name);
    expect(withPhysician.map((a) => a.status).sort()).toEqual(['BOOKED', 'COMPLETED']);
  });
});
