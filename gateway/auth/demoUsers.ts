/**
 * The development identity provider's demo users, and the demo persons
 * GraphiQL's examples ask about. Citizens are persons of the bundled
 * synthetic fixtures (fixtures/truth/*.jsonl, fixtures of 2026-11-23): the
 * `citizen` user and her son are the demo persons the fixture generator
 * plants (fixtures/generator/demo.ts), records spread over two
 * municipalities and four products; the others are generated residents
 * picked for what they show. Professionals work in units that appear in
 * those fixtures' appointments; the physician is the `citizen` user's
 * physician (her appointments name her), the other professionals' names
 * appear nowhere in the fixtures. Labels and notes hold no ages: an age
 * goes stale, so `describeDemoUser` computes it from the identity code and
 * a given day (demoUsers.test.ts checks every description against the
 * fixtures).
 */
import { ageOn, checkHetu } from '../../domain/hetu.ts';
import { municipality as municipalityOf } from '../../domain/region.ts';
import type { MunicipalityCode } from '../../domain/region.ts';
import type { Identity } from '../../contract/identity.ts';

/** A person of the bundled fixtures the demo names: as VTJ has them. */
export interface DemoPerson {
  readonly hetu: string;
  /** The first names VTJ has. */
  readonly firstNames: string;
  readonly surname: string;
  /** Municipality of residence (VTJ). */
  readonly municipality: MunicipalityCode;
}

export interface DemoUser {
  /** What `npm run token -- --as …` and GraphiQL's picker take. */
  readonly id: string;
  /** One line for the picker and `--list`. */
  readonly label: string;
  /** Why this user is in the list: what they show. */
  readonly note: string;
  readonly identity: Identity;
  /** Citizens: the person they are. */
  readonly person?: DemoPerson;
}

/** The example citizen (a planted demo person): records in Porvoo and Sipoo, from Lifecare, Mediatri, ProConsona and Effica. */
export const EXAMPLE_CITIZEN: DemoPerson = { hetu: '170584-928L', firstNames: 'Ilona Maria', surname: 'Rantala', municipality: '638' };
/** Her son, the child of the guardian example (a planted demo person). */
export const EXAMPLE_CHILD: DemoPerson = { hetu: '080916A9152', firstNames: 'Onni Juhani', surname: 'Rantala', municipality: '638' };

const GUARDIAN: DemoPerson = { hetu: '070775-999R', firstNames: 'Nils Johan', surname: 'Sjöberg', municipality: '753' };
const MINOR: DemoPerson = { hetu: '061212A904T', firstNames: 'Saga Ingrid', surname: 'Sjöberg', municipality: '753' };
const PROHIBITING_MINOR: DemoPerson = { hetu: '040813A9191', firstNames: 'Juha', surname: 'Saarinen', municipality: '018' };
const GUARDIAN_PROHIBITED: DemoPerson = { hetu: '260376-992T', firstNames: 'Aino Päivi', surname: 'Saarinen', municipality: '018' };
const TURVAKIELTO: DemoPerson = { hetu: '220799-9180', firstNames: 'Åsa', surname: 'Holmström', municipality: '638' };

const PORVOO_HEALTH_CENTRE = '1.2.246.10.1061512.10.6381'; // "Porvoo terveysasema"
const PORVOO_DENTAL_CLINIC = '1.2.246.10.1061512.10.6385'; // "Porvoo hammashoitola"
const PORVOO_SURGERY = '1.2.246.10.1061512.10.6382'; // "Porvoo vastaanotto"
const PORVOO_HOME_NURSING = '1.2.246.10.1061512.10.6383'; // "Porvoo kotisairaanhoito"

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'citizen',
    label: 'Ilona Rantala, citizen (Porvoo)',
    note: 'the person of GraphiQL’s examples: appointments, fees and customerships in Porvoo and Sipoo from Lifecare, Mediatri, ProConsona and Effica; guardian of Onni Rantala (the guardian example); the physician’s patient',
    identity: { kind: 'citizen', sub: 'demo-citizen', hetu: EXAMPLE_CITIZEN.hetu },
    person: EXAMPLE_CITIZEN,
  },
  {
    id: 'guardian',
    label: 'Nils Sjöberg, guardian (Sipoo)',
    note: 'guardian of Saga (the `minor` user) and of Erik; a social care customer himself',
    identity: { kind: 'citizen', sub: 'demo-guardian', hetu: GUARDIAN.hetu },
    person: GUARDIAN,
  },
  {
    id: 'minor',
    label: 'Saga Sjöberg, minor (Sipoo)',
    note: 'a minor with an open child welfare customership in Sipoo, which her guardians do not see',
    identity: { kind: 'citizen', sub: 'demo-minor', hetu: MINOR.hetu },
    person: MINOR,
  },
  {
    id: 'prohibiting-minor',
    label: 'Juha Saarinen, minor (Askola)',
    note: 'a minor whose KIELTO_HUOLTAJALLE prohibition (in proconsona-askola) keeps his client data from his guardians',
    identity: { kind: 'citizen', sub: 'demo-prohibiting-minor', hetu: PROHIBITING_MINOR.hetu },
    person: PROHIBITING_MINOR,
  },
  {
    id: 'guardian-prohibited',
    label: 'Aino Saarinen, guardian (Askola)',
    note: 'the first guardian of prohibiting-minor: sees his basic data, not his client data',
    identity: { kind: 'citizen', sub: 'demo-guardian-prohibited', hetu: GUARDIAN_PROHIBITED.hetu },
    person: GUARDIAN_PROHIBITED,
  },
  {
    id: 'turvakielto',
    label: 'Åsa Holmström, under turvakielto (Porvoo)',
    note: 'under turvakielto; guardian of three; a home-nursing appointment in Porvoo kotisairaanhoito (the nurse’s care relation)',
    identity: { kind: 'citizen', sub: 'demo-turvakielto', hetu: TURVAKIELTO.hetu },
    person: TURVAKIELTO,
  },
  {
    id: 'physician',
    label: 'Lotta Kallioniemi, physician (Porvoo health centre)',
    note: 'primary health care in Porvoo terveysasema and vastaanotto; Ilona Rantala’s physician (her appointments there): opens the ClientOverview example',
    identity: {
      kind: 'professional',
      sub: 'demo-physician',
      name: 'Lotta Kallioniemi',
      profession: 'PHYSICIAN',
      units: [PORVOO_HEALTH_CENTRE, PORVOO_SURGERY],
      careAreas: ['PRIMARY_HEALTH'],
      serviceTasks: [],
      municipality: '638',
    },
  },
  {
    id: 'nurse',
    label: 'Aarne Kivimaa, nurse (Porvoo home nursing)',
    note: 'primary health care in Porvoo kotisairaanhoito; has a care relation with the turvakielto user',
    identity: {
      kind: 'professional',
      sub: 'demo-nurse',
      name: 'Aarne Kivimaa',
      profession: 'NURSE',
      units: [PORVOO_HOME_NURSING],
      careAreas: ['PRIMARY_HEALTH'],
      serviceTasks: [],
      municipality: '638',
    },
  },
  {
    id: 'dentist',
    label: 'Ebba Granqvist, dentist (Porvoo dental clinic)',
    note: 'oral health care only, in Porvoo hammashoitola',
    identity: {
      kind: 'professional',
      sub: 'demo-dentist',
      name: 'Ebba Granqvist',
      profession: 'DENTIST',
      units: [PORVOO_DENTAL_CLINIC],
      careAreas: ['ORAL_HEALTH'],
      serviceTasks: [],
      municipality: '638',
    },
  },
  {
    id: 'social-worker-child-welfare',
    label: 'Iida Rautavaara, social worker, child welfare (Sipoo)',
    note: 'social care, child welfare and families, in Sipoo (where the minor’s child welfare customership is)',
    identity: {
      kind: 'professional',
      sub: 'demo-social-worker-child-welfare',
      name: 'Iida Rautavaara',
      profession: 'SOCIAL_WORKER',
      // Social care customerships in the fixtures name their unit by name only (no OID).
      units: [],
      careAreas: ['SOCIAL'],
      serviceTasks: ['CHILD_WELFARE', 'FAMILIES'],
      municipality: '753',
    },
  },
  {
    id: 'social-worker-older-people',
    label: 'Oskar Vennola, social worker, older people (Porvoo)',
    note: 'social care for older people in Porvoo; not child welfare',
    identity: {
      kind: 'professional',
      sub: 'demo-social-worker-older-people',
      name: 'Oskar Vennola',
      profession: 'SOCIAL_WORKER',
      units: [],
      careAreas: ['SOCIAL'],
      serviceTasks: ['OLDER_PEOPLE'],
      municipality: '638',
    },
  },
  {
    id: 'analyst',
    label: 'Analyst (aggregates only)',
    note: 'aggregate queries only; every count below 5 suppressed',
    identity: { kind: 'analyst', sub: 'demo-analyst' },
  },
];

/** Every person the demo names: the citizen users and the example child. GraphiQL's examples ask about these only. */
export const DEMO_PERSONS: readonly DemoPerson[] = [...DEMO_USERS.flatMap((u) => (u.person ? [u.person] : [])), EXAMPLE_CHILD];

/**
 * One line for `npm run token -- --list`: the label, then for a person their
 * sex and age as the identity code gives them on `today` (YYYY-MM-DD, Helsinki),
 * then the note.
 */
export function describeDemoUser(user: DemoUser, today: string): string {
  if (!user.person) return `${user.label}: ${user.note}`;
  const info = checkHetu(user.person.hetu);
  if (!info.ok) return `${user.label}: ${user.note}`;
  const age = ageOn(info.info.birthDate, today);
  const adult = age >= 18;
  const sex = info.info.sex === 'FEMALE' ? (adult ? 'woman' : 'girl') : adult ? 'man' : 'boy';
  const place = municipalityOf(user.person.municipality)?.nameFi ?? user.person.municipality;
  return `${user.label}: ${user.person.hetu}, ${sex}, ${age}, lives in ${place}; ${user.note}`;
}

/** The demo user with this id, or undefined. */
export function demoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}
