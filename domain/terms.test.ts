import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FEE_KIND_LABELS } from './codeLabels.ts';
import type { SourceRecords } from './model.ts';
import {
  FEE_TERMS,
  PLAN_TITLE_TERMS,
  PROFESSIONAL_TITLE_TERMS,
  SERVICE_TERMS,
  feeTerm,
  normaliseTerm,
  planTitleSv,
  professionalTitleSv,
  serviceSv,
} from './terms.ts';

const TRUTH = new URL('../fixtures/truth/', import.meta.url);

/** Every free-text name of the fixtures' truth files (the canonical records the generator wrote), by kind, deduplicated and sorted. */
function fixtureVocabulary(): Record<'fees' | 'services' | 'planTitles' | 'professionalTitles', string[]> {
  const sets = {
    fees: new Set<string>(),
    services: new Set<string>(),
    planTitles: new Set<string>(),
    professionalTitles: new Set<string>(),
  };
  for (const file of readdirSync(TRUTH).filter((f) => f.endsWith('.jsonl') && f !== 'vtj.jsonl')) {
    for (const line of readFileSync(new URL(file, TRUTH), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as SourceRecords;
      for (const f of r.fees) sets.fees.add(f.description);
      for (const c of r.customerships) if (c.service) sets.services.add(c.service);
      for (const d of r.decisions) sets.services.add(d.service);
      for (const p of r.plans) if (p.title) sets.planTitles.add(p.title);
      for (const a of r.appointments) if (a.professional?.title) sets.professionalTitles.add(a.professional.title);
    }
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    fees: sorted(sets.fees),
    services: sorted(sets.services),
    planTitles: sorted(sets.planTitles),
    professionalTitles: sorted(sets.professionalTitles),
  };
}

describe('the term list', () => {
  const vocabulary = fixtureVocabulary();

  it('has every fee description, service name, plan title and professional title of the fixtures', () => {
    // The vocabulary is what the fixtures hold today; a name added to the generator must be added to the list.
    expect(vocabulary.fees).toHaveLength(7);
    expect(vocabulary.services).toHaveLength(14);
    expect(vocabulary.planTitles).toEqual(['Kuntoutussuunnitelma', 'Terveys- ja hoitosuunnitelma']);
    expect(vocabulary.professionalTitles).toHaveLength(7);
    expect(vocabulary.fees.filter((d) => !feeTerm(d))).toEqual([]);
    expect(vocabulary.services.filter((s) => !serviceSv(s))).toEqual([]);
    expect(vocabulary.planTitles.filter((t) => !planTitleSv(t))).toEqual([]);
    expect(vocabulary.professionalTitles.filter((t) => !professionalTitleSv(t))).toEqual([]);
  });

  it('gives each fixture fee description its kind and Swedish', () => {
    expect(Object.fromEntries(vocabulary.fees.map((d) => [d, feeTerm(d)]))).toEqual({
      'Avosairaanhoidon käyntimaksu': { kind: 'OUTPATIENT_VISIT', sv: 'Besöksavgift inom öppen sjukvård' },
      'Fysioterapian sarjahoito': { kind: 'SERIAL_TREATMENT', sv: 'Serievård inom fysioterapi' },
      'Kotihoidon asiakasmaksu': { kind: 'HOME_CARE', sv: 'Klientavgift för hemvård' },
      'Kuljetuspalvelun omavastuu': { kind: 'TRANSPORT_SERVICE', sv: 'Självriskandel för färdtjänst' },
      'Käyttämättä jätetty vastaanottoaika': { kind: 'MISSED_APPOINTMENT', sv: 'Outnyttjad mottagningstid' },
      'Sosiaalisen kuntoutuksen asiakasmaksu': { kind: 'SOCIAL_REHABILITATION', sv: 'Klientavgift för social rehabilitering' },
      'Suun terveydenhuollon käynti': { kind: 'ORAL_HEALTH_VISIT', sv: 'Besök inom munhälsovården' },
    });
  });

  it('gives each fixture service name and title its Swedish', () => {
    expect(Object.fromEntries(vocabulary.services.map((s) => [s, serviceSv(s)]))).toEqual({
      Asumispalvelu: 'Boendeservice',
      'Avohuollon tukitoimi': 'Stödåtgärd inom öppenvården',
      'Henkilökohtainen apu': 'Personlig assistans',
      'Kotipalvelu lapsiperheille': 'Hemservice för barnfamiljer',
      Kuljetuspalvelu: 'Färdtjänst',
      'Lapsen elatusta koskeva sopimus': 'Avtal om underhåll för barn',
      'Omaishoidon tuki': 'Stöd för närståendevård',
      Perhetyö: 'Familjearbete',
      Päihdekuntoutus: 'Missbrukarrehabilitering',
      'Sosiaalinen kuntoutus': 'Social rehabilitering',
      'Säännöllinen kotihoito': 'Regelbunden hemvård',
      'Tehostettu palveluasuminen': 'Effektiviserat serviceboende',
      Tukihenkilö: 'Stödperson',
      'Täydentävä toimeentulotuki': 'Kompletterande utkomststöd',
    });
    expect(Object.fromEntries(vocabulary.professionalTitles.map((t) => [t, professionalTitleSv(t)]))).toEqual({
      Fysioterapeutti: 'Fysioterapeut',
      Hammaslääkäri: 'Tandläkare',
      Lääkäri: 'Läkare',
      Psykologi: 'Psykolog',
      Sairaanhoitaja: 'Sjukskötare',
      Suuhygienisti: 'Munhygienist',
      Terveydenhoitaja: 'Hälsovårdare',
    });
    expect(planTitleSv('Terveys- ja hoitosuunnitelma')).toBe('Hälso- och vårdplan');
    expect(planTitleSv('Kuntoutussuunnitelma')).toBe('Rehabiliteringsplan');
  });

  it('looks names up trimmed, with white space collapsed and case ignored', () => {
    expect(normaliseTerm('  Terveys-  ja\thoitosuunnitelma \r\n')).toBe('terveys- ja hoitosuunnitelma');
    expect(normaliseTerm('ÄÖÅ')).toBe('äöå');
    expect(feeTerm('  KOTIHOIDON   asiakasmaksu\n')).toEqual({ kind: 'HOME_CARE', sv: 'Klientavgift för hemvård' });
    expect(serviceSv('henkilökohtainen apu')).toBe('Personlig assistans');
    expect(professionalTitleSv(' SUUHYGIENISTI ')).toBe('Munhygienist');
    expect(planTitleSv('terveys- ja  hoitosuunnitelma')).toBe('Hälso- och vårdplan');
  });

  it('has no Swedish for a name not in the list: no guess from a part of it', () => {
    expect(feeTerm('Käyntimaksu')).toBeUndefined();
    expect(feeTerm('Kotihoidon asiakasmaksu 2025')).toBeUndefined();
    expect(serviceSv('Kotihoito ja')).toBeUndefined();
    expect(planTitleSv('')).toBeUndefined();
    expect(professionalTitleSv('Ylilääkäri')).toBeUndefined();
  });

  it('keys each list by distinct normalised names, and names every fee kind', () => {
    for (const list of [FEE_TERMS, SERVICE_TERMS, PLAN_TITLE_TERMS, PROFESSIONAL_TITLE_TERMS]) {
      const keys = Object.keys(list).map(normaliseTerm);
      expect(new Set(keys).size).toBe(keys.length);
      // Written as the sources write them: no stray white space in the list itself.
      for (const fi of Object.keys(list)) expect(fi).toBe(fi.trim().replace(/\s+/g, ' '));
    }
    expect(new Set(Object.values(FEE_TERMS).map((t) => t.kind))).toEqual(new Set(Object.keys(FEE_KIND_LABELS)));
  });
});
