/**
 * The development identity provider's demo users. Citizens are real persons
 * of the bundled synthetic fixtures (fixtures/truth/*.jsonl, fixtures of
 * 2026-11-23), so each one's own data, dependants and care relations can be
 * seen in GraphiQL; professionals work in units that appear in those
 * fixtures' appointments. Professionals' names are invented and appear
 * nowhere in the fixtures.
 */
import type { Identity } from '../../subgraphs/shared/identity.ts';

export interface DemoUser {
  /** What `npm run token -- --as …` and GraphiQL's picker take. */
  readonly id: string;
  /** One line for the picker and `--list`. */
  readonly label: string;
  /** Why this user is in the list: what they show. */
  readonly note: string;
  readonly identity: Identity;
}

const PORVOO_HEALTH_CENTRE = '1.2.246.10.1061512.10.6381'; // "Porvoo terveysasema"
const PORVOO_DENTAL_CLINIC = '1.2.246.10.1061512.10.6385'; // "Porvoo hammashoitola"
const PORVOO_SURGERY = '1.2.246.10.1061512.10.6382'; // "Porvoo vastaanotto"
const PORVOO_HOME_NURSING = '1.2.246.10.1061512.10.6383'; // "Porvoo kotisairaanhoito"

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'citizen',
    label: 'Väinö Lahtinen, citizen (Loviisa)',
    note: 'the person of GraphiQL’s saved examples: records in Loviisa and Sipoo; guardian of a 14-year-old',
    identity: { kind: 'citizen', sub: 'demo-citizen', hetu: '021289-9032' },
  },
  {
    id: 'guardian',
    label: 'Nils Sjöberg, guardian (Sipoo)',
    note: 'guardian of Saga (13, the `minor` user) and of an 11-year-old; a social care customer himself',
    identity: { kind: 'citizen', sub: 'demo-guardian', hetu: '070775-999R' },
  },
  {
    id: 'minor',
    label: 'Saga Sjöberg, 13, citizen (Sipoo)',
    note: 'a minor with an open child welfare customership; the bundled fixtures hold no KIELTO_HUOLTAJALLE prohibition',
    identity: { kind: 'citizen', sub: 'demo-minor', hetu: '061212A904T' },
  },
  {
    id: 'prohibiting-minor',
    label: 'Saarinen, 13, citizen (Askola)',
    note: 'a minor whose KIELTO_HUOLTAJALLE prohibition (in proconsona-askola) keeps her client data from her guardians',
    identity: { kind: 'citizen', sub: 'demo-prohibiting-minor', hetu: '040813A9191' },
  },
  {
    id: 'guardian-prohibited',
    label: 'Aino Saarinen, citizen (Askola)',
    note: 'the first guardian of prohibiting-minor: sees her basic data, not her client data',
    identity: { kind: 'citizen', sub: 'demo-guardian-prohibited', hetu: '260376-992T' },
  },
  {
    id: 'turvakielto',
    label: 'Åsa Holmström, under turvakielto (Porvoo)',
    note: 'under turvakielto; guardian of three; a home-nursing appointment in January 2027',
    identity: { kind: 'citizen', sub: 'demo-turvakielto', hetu: '220799-9180' },
  },
  {
    id: 'physician',
    label: 'Lotta Kallioniemi, physician (Porvoo health centre)',
    note: 'primary health care in Porvoo terveysasema and vastaanotto',
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

/** The demo user with this id, or undefined. */
export function demoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}
