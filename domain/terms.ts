/**
 * The region's term list: the Swedish for the free-text names the sources
 * write in Finnish only — fee descriptions (with the fee's kind), service
 * names of customerships and decisions, plan titles and professionals'
 * titles. A name is looked up normalised (trimmed, runs of white space as
 * one space, case ignored), so `  KOTIHOIDON  asiakasmaksu` finds
 * `Kotihoidon asiakasmaksu`; a name not in the list has no Swedish (null in
 * the API), never a guess.
 *
 * The vocabulary is that of the region's sources (the fixtures' truth
 * files; a test keeps the list covering them). To add a term, add a line.
 */
import type { FeeKind } from './codeLabels.ts';

/** A fee description's kind and Swedish. */
export interface FeeTerm {
  readonly kind: FeeKind;
  readonly sv: string;
}

/** Fee descriptions, Finnish → kind and Swedish. */
export const FEE_TERMS: Readonly<Record<string, FeeTerm>> = {
  'Avosairaanhoidon käyntimaksu': { kind: 'OUTPATIENT_VISIT', sv: 'Besöksavgift inom öppen sjukvård' },
  'Suun terveydenhuollon käynti': { kind: 'ORAL_HEALTH_VISIT', sv: 'Besök inom munhälsovården' },
  'Fysioterapian sarjahoito': { kind: 'SERIAL_TREATMENT', sv: 'Serievård inom fysioterapi' },
  'Käyttämättä jätetty vastaanottoaika': { kind: 'MISSED_APPOINTMENT', sv: 'Outnyttjad mottagningstid' },
  'Kotihoidon asiakasmaksu': { kind: 'HOME_CARE', sv: 'Klientavgift för hemvård' },
  'Sosiaalisen kuntoutuksen asiakasmaksu': { kind: 'SOCIAL_REHABILITATION', sv: 'Klientavgift för social rehabilitering' },
  'Kuljetuspalvelun omavastuu': { kind: 'TRANSPORT_SERVICE', sv: 'Självriskandel för färdtjänst' },
};

/** Social care service names (customerships and decisions), Finnish → Swedish. */
export const SERVICE_TERMS: Readonly<Record<string, string>> = {
  // Older people
  'Säännöllinen kotihoito': 'Regelbunden hemvård',
  'Omaishoidon tuki': 'Stöd för närståendevård',
  'Tehostettu palveluasuminen': 'Effektiviserat serviceboende',
  // Disability
  'Henkilökohtainen apu': 'Personlig assistans',
  Kuljetuspalvelu: 'Färdtjänst',
  // Families
  Perhetyö: 'Familjearbete',
  'Kotipalvelu lapsiperheille': 'Hemservice för barnfamiljer',
  // Child welfare
  'Avohuollon tukitoimi': 'Stödåtgärd inom öppenvården',
  Tukihenkilö: 'Stödperson',
  // Adult social work
  'Sosiaalinen kuntoutus': 'Social rehabilitering',
  'Täydentävä toimeentulotuki': 'Kompletterande utkomststöd',
  // Substance abuse
  Päihdekuntoutus: 'Missbrukarrehabilitering',
  Asumispalvelu: 'Boendeservice',
  // Family law
  'Lapsen elatusta koskeva sopimus': 'Avtal om underhåll för barn',
  Olosuhdeselvitys: 'Utredning av förhållandena',
};

/** Plan titles, Finnish → Swedish. */
export const PLAN_TITLE_TERMS: Readonly<Record<string, string>> = {
  'Terveys- ja hoitosuunnitelma': 'Hälso- och vårdplan',
  Kuntoutussuunnitelma: 'Rehabiliteringsplan',
  Asiakassuunnitelma: 'Klientplan',
  Palvelusuunnitelma: 'Serviceplan',
};

/** Professionals' titles, Finnish → Swedish (Finland Swedish titles). */
export const PROFESSIONAL_TITLE_TERMS: Readonly<Record<string, string>> = {
  Lääkäri: 'Läkare',
  Sairaanhoitaja: 'Sjukskötare',
  Terveydenhoitaja: 'Hälsovårdare',
  Fysioterapeutti: 'Fysioterapeut',
  Psykologi: 'Psykolog',
  Hammaslääkäri: 'Tandläkare',
  Suuhygienisti: 'Munhygienist',
  Sosiaalityöntekijä: 'Socialarbetare',
};

/** A name as the lists are keyed: trimmed, white space runs as one space, lower case. */
export function normaliseTerm(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi');
}

/** A list keyed by normalised names; two names that normalise alike are an error in the list. */
function byNormalised<T>(list: Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const [fi, value] of Object.entries(list)) {
    const key = normaliseTerm(fi);
    if (map.has(key)) throw new Error(`The term list names ${JSON.stringify(fi)} twice.`);
    map.set(key, value);
  }
  return map;
}

const FEES = byNormalised(FEE_TERMS);
const SERVICES = byNormalised(SERVICE_TERMS);
const PLAN_TITLES = byNormalised(PLAN_TITLE_TERMS);
const PROFESSIONAL_TITLES = byNormalised(PROFESSIONAL_TITLE_TERMS);

/** A fee description's kind and Swedish; undefined when the list does not have it. */
export function feeTerm(description: string): FeeTerm | undefined {
  return FEES.get(normaliseTerm(description));
}

/** A service name's Swedish; undefined when the list does not have it. */
export function serviceSv(service: string): string | undefined {
  return SERVICES.get(normaliseTerm(service));
}

/** A plan title's Swedish; undefined when the list does not have it. */
export function planTitleSv(title: string): string | undefined {
  return PLAN_TITLES.get(normaliseTerm(title));
}

/** A professional's title in Swedish; undefined when the list does not have it. */
export function professionalTitleSv(title: string): string | undefined {
  return PROFESSIONAL_TITLES.get(normaliseTerm(title));
}
