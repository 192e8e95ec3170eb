/**
 * A fake region for the sample portal's tests and screenshots: the portal
 * served by the gateway's own plugin (gateway/portal.ts), a token endpoint
 * like the development identity provider's, and a /graphql that accepts only
 * the portal's trusted documents (by documentId, never query text) and runs
 * them on canned data against a small schema written from the API design of
 * issue 15 (me, Viewer.customer, appointmentsConnection, feesConnection,
 * feeCeiling, dataReads, codeLists, Unit.nameFi/nameSv, Fee.descriptionSv,
 * Fee.kind). Running the real documents on a schema catches a misspelt field
 * here as it would on the real region; portal/documents.test.ts checks the
 * same documents against schema/api.graphql once the API has `me`.
 *
 * Synthetic persons only (the demo users' names; identity codes are never
 * asked by the portal and appear nowhere here).
 */
import Fastify from 'fastify';
import { GraphQLError, buildSchema, graphql } from 'graphql';
import { DEMO_USERS } from '../gateway/auth/demoUsers.ts';
import { portalUsers, registerPortal } from '../gateway/portal.ts';
import { loadDocuments } from './documents.ts';

/** The part of the designed API the portal uses. */
export const FAKE_SDL = /* GraphQL */ `
  type Query {
    me: Viewer!
    codeLists: [CodeList!]!
  }
  type CodeList {
    name: String!
    codes: [CodeLabel!]!
  }
  type CodeLabel {
    code: String!
    fi: String!
    sv: String!
    en: String!
  }
  enum ViewerRole {
    CITIZEN
    PROFESSIONAL
    ANALYST
  }
  type Viewer {
    id: ID!
    role: ViewerRole!
    customer: Customer
    name: String
    dataReads(first: Int = 20, after: String, includeOwn: Boolean = false): DataReadConnection!
  }
  enum SortOrder {
    ASC
    DESC
  }
  enum AppointmentStatus {
    BOOKED
    COMPLETED
    CANCELLED
    NO_SHOW
  }
  enum CareArea {
    PRIMARY_HEALTH
    ORAL_HEALTH
    SOCIAL
  }
  enum ContactMode {
    ON_SITE
    PHONE
    VIDEO
    HOME_VISIT
  }
  enum FeeStatus {
    OPEN
    PAID
    VOIDED
  }
  enum FeeKind {
    DOCTOR_VISIT
    DENTAL_EXAMINATION
    SERIAL_TREATMENT
    TRANSPORT_SERVICE
  }
  enum MissingSourceCode {
    SOURCE_UNAVAILABLE
    SOURCE_ERROR
    MALFORMED_RESPONSE
    NOT_CONFIGURED
    SUBGRAPH_UNAVAILABLE
    NOT_INDEXED
  }
  enum DataReadAction {
    READ
    LOOKUP
    EMERGENCY_ACCESS
  }
  enum ReaderRole {
    CITIZEN
    PROFESSIONAL
    ANALYST
    ANONYMOUS
  }
  enum AccessOutcome {
    ALLOWED
    DENIED
  }
  enum AccessBasis {
    SELF
    GUARDIAN
    CARE_RELATION
    CONSENT
    EMERGENCY
    PROFESSIONAL_ROLE
    FAMILY_RELATION
  }
  enum DenialReason {
    NO_CARE_RELATION
    NOT_OWN_DATA
  }
  enum DataGroup {
    BASIC
    CONTACT
    RECORD_INDEX
    APPOINTMENTS
    CUSTOMERSHIPS
    DECISIONS
    PLANS
    FEES
    CONSENTS
  }
  type Customer {
    id: ID!
    firstNames: String
    surname: String
    missingSources: [MissingSource!]
    dependants: [Relative!]
    appointmentsConnection(
      from: String
      to: String
      upcoming: Boolean
      status: [AppointmentStatus!]
      careArea: [CareArea!]
      order: SortOrder = ASC
      first: Int = 20
      after: String
    ): AppointmentConnection!
    feesConnection(year: Int, status: [FeeStatus!], first: Int = 20, after: String): FeeConnection!
    feeCeiling(year: Int!): FeeCeilingStatus
  }
  type Relative {
    surname: String
    firstNames: String
    customer: Customer!
  }
  type MissingSource {
    instance: String!
    code: MissingSourceCode!
  }
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }
  type AppointmentConnection {
    edges: [AppointmentEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type AppointmentEdge {
    cursor: String!
    node: Appointment!
  }
  type Appointment {
    id: ID!
    careArea: CareArea!
    contactMode: ContactMode
    start: String!
    durationMinutes: Int!
    unit: Unit!
    status: AppointmentStatus!
    source: Provenance!
  }
  type Unit {
    oid: String
    name: String!
    nameFi: String
    nameSv: String
  }
  type Provenance {
    instance: String!
    product: String!
    municipality: Municipality!
    localId: String!
  }
  type Municipality {
    code: String!
    nameFi: String!
    nameSv: String!
  }
  type FeeConnection {
    edges: [FeeEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type FeeEdge {
    cursor: String!
    node: Fee!
  }
  type Fee {
    id: ID!
    date: String!
    description: String!
    descriptionSv: String
    kind: FeeKind
    amountCents: Int!
    accruesToCeiling: Boolean!
    status: FeeStatus!
    source: Provenance!
  }
  type FeeCeilingStatus {
    year: Int!
    ceilingCents: Int!
    accruedCents: Int!
    reached: Boolean!
    reachedOn: String
    feesAfterCeiling: [Fee!]!
    includesDependants: [Customer!]!
    missingSources: [MissingSource!]!
    complete: Boolean!
  }
  type DataReadConnection {
    edges: [DataReadEdge!]!
    pageInfo: PageInfo!
  }
  type DataReadEdge {
    cursor: String!
    node: DataRead!
  }
  type DataRead {
    id: ID!
    at: String!
    action: DataReadAction!
    readerRole: ReaderRole!
    readerName: String
    dataGroups: [DataGroup!]!
    outcome: AccessOutcome!
    basis: AccessBasis
    reason: DenialReason
    emergency: Boolean!
  }
`;

type Labels = Record<string, readonly [fi: string, sv: string, en: string]>;

/** The code lists as Query.codeLists answers them (H3's lists: no AccessOutcome, DenialReason or MissingSourceCode). */
const CODE_LISTS: Record<string, Labels> = {
  CareArea: {
    PRIMARY_HEALTH: ['Perusterveydenhuolto', 'Primärvård', 'Primary health care'],
    ORAL_HEALTH: ['Suun terveydenhuolto', 'Mun- och tandvård', 'Oral health care'],
    SOCIAL: ['Sosiaalihuolto', 'Socialvård', 'Social care'],
  },
  ContactMode: {
    ON_SITE: ['Käynti vastaanotolla', 'Besök på mottagningen', 'On site'],
    PHONE: ['Puhelinaika', 'Telefontid', 'Phone'],
    VIDEO: ['Videovastaanotto', 'Videomottagning', 'Video'],
    HOME_VISIT: ['Kotikäynti', 'Hembesök', 'Home visit'],
  },
  AppointmentStatus: {
    BOOKED: ['Varattu', 'Bokad', 'Booked'],
    COMPLETED: ['Toteutunut', 'Genomförd', 'Completed'],
    CANCELLED: ['Peruttu', 'Avbokad', 'Cancelled'],
    NO_SHOW: ['Ei saapunut', 'Uteblev', 'No show'],
  },
  FeeStatus: {
    OPEN: ['Avoin', 'Obetald', 'Open'],
    PAID: ['Maksettu', 'Betald', 'Paid'],
    VOIDED: ['Mitätöity', 'Makulerad', 'Voided'],
  },
  FeeKind: {
    DOCTOR_VISIT: ['Lääkärin vastaanotto', 'Läkarmottagning', 'Doctor’s appointment'],
    DENTAL_EXAMINATION: ['Hammaslääkärin tutkimus', 'Tandläkarundersökning', 'Dental examination'],
    SERIAL_TREATMENT: ['Sarjahoito', 'Serievård', 'Serial treatment'],
    TRANSPORT_SERVICE: ['Kuljetuspalvelu', 'Färdtjänst', 'Transport service'],
  },
  DataReadAction: {
    READ: ['Tietojen luku', 'Läsning av uppgifter', 'Read'],
    LOOKUP: ['Haku henkilötunnuksella', 'Sökning med personbeteckning', 'Lookup'],
    EMERGENCY_ACCESS: ['Hätäkäyttö', 'Nödåtkomst', 'Emergency access'],
  },
  ReaderRole: {
    CITIZEN: ['Asiakas', 'Klient', 'Citizen'],
    PROFESSIONAL: ['Ammattilainen', 'Yrkesperson', 'Professional'],
    ANALYST: ['Analyytikko', 'Analytiker', 'Analyst'],
    ANONYMOUS: ['Tunnistamaton', 'Oidentifierad', 'Anonymous'],
  },
  DataGroup: {
    BASIC: ['Perustiedot', 'Basuppgifter', 'Basic data'],
    CONTACT: ['Yhteystiedot', 'Kontaktuppgifter', 'Contact data'],
    RECORD_INDEX: ['Tietojen sijainti', 'Uppgifternas placering', 'Record index'],
    APPOINTMENTS: ['Ajanvaraukset', 'Tidsbokningar', 'Appointments'],
    CUSTOMERSHIPS: ['Asiakkuudet', 'Klientrelationer', 'Customerships'],
    DECISIONS: ['Päätökset', 'Beslut', 'Decisions'],
    PLANS: ['Suunnitelmat', 'Planer', 'Plans'],
    FEES: ['Maksut', 'Avgifter', 'Fees'],
    CONSENTS: ['Suostumukset', 'Samtycken', 'Consents'],
  },
  AccessBasis: {
    SELF: ['Omat tiedot', 'Egna uppgifter', 'Self'],
    GUARDIAN: ['Huoltaja', 'Vårdnadshavare', 'Guardian'],
    CARE_RELATION: ['Hoitosuhde', 'Vårdrelation', 'Care relation'],
    CONSENT: ['Suostumus', 'Samtycke', 'Consent'],
    EMERGENCY: ['Hätätilanne', 'Nödsituation', 'Emergency'],
    PROFESSIONAL_ROLE: ['Ammattilaisen tehtävä', 'Yrkesroll', 'Professional role'],
    FAMILY_RELATION: ['Perhesuhde', 'Familjerelation', 'Family relation'],
  },
};

const MUNICIPALITIES = {
  porvoo: { code: '638', nameFi: 'Porvoo', nameSv: 'Borgå' },
  sipoo: { code: '753', nameFi: 'Sipoo', nameSv: 'Sibbo' },
} as const;

const SOURCES = {
  'lifecare-porvoo': { product: 'lifecare', municipality: MUNICIPALITIES.porvoo },
  'effica-porvoo': { product: 'effica', municipality: MUNICIPALITIES.porvoo },
  'mediatri-sipoo': { product: 'mediatri', municipality: MUNICIPALITIES.sipoo },
  'proconsona-sipoo': { product: 'proconsona', municipality: MUNICIPALITIES.sipoo },
} as const;
type Instance = keyof typeof SOURCES;

const UNITS = {
  porvooHealth: {
    oid: '1.2.246.10.1061512.10.6381',
    name: 'Porvoo terveysasema',
    nameFi: 'Porvoon terveysasema',
    nameSv: 'Borgå hälsostation',
  },
  porvooDental: {
    oid: '1.2.246.10.1061512.10.6385',
    name: 'Porvoo hammashoitola',
    nameFi: 'Porvoon hammashoitola',
    nameSv: 'Borgå tandklinik',
  },
  sipooHealth: { oid: null, name: 'Sipoon terveysasema', nameFi: 'Sipoon terveysasema', nameSv: 'Sibbo hälsostation' },
  sipooSchool: { oid: null, name: 'Sipoon kouluterveydenhuolto', nameFi: 'Sipoon kouluterveydenhuolto', nameSv: 'Sibbo skolhälsovård' },
  // Not in the organisation register: the portal shows the source's own name.
  porvooRehab: { oid: null, name: 'Porvoon sosiaalinen kuntoutus', nameFi: null, nameSv: null },
} as const;

interface Sourced {
  readonly source: { readonly instance: Instance };
}
interface FakeAppointment extends Sourced {
  readonly start: string;
  readonly durationMinutes: number;
  readonly careArea: string;
  readonly contactMode: string | null;
  readonly unit: (typeof UNITS)[keyof typeof UNITS];
}
interface FakeFee extends Sourced {
  readonly date: string;
  readonly description: string;
  readonly descriptionSv: string | null;
  readonly kind: string | null;
  readonly amountCents: number;
  readonly status: string;
}
interface FakeRead {
  readonly at: string;
  readonly action: string;
  readonly readerRole: string;
  readonly readerName: string | null;
  readonly dataGroups: readonly string[];
  readonly outcome: string;
  readonly basis: string | null;
  readonly reason: string | null;
}
interface FakePerson {
  readonly key: string;
  readonly firstNames: string;
  readonly surname: string;
  readonly appointments: readonly FakeAppointment[];
  readonly fees: readonly FakeFee[];
  readonly ceiling: { readonly ceilingCents: number; readonly reachedOn: string | null; readonly feesAfter: readonly number[] };
  readonly dependants: readonly FakePerson[];
  readonly reads: readonly FakeRead[];
}

const appointment = (
  start: string,
  durationMinutes: number,
  careArea: string,
  contactMode: string | null,
  unit: FakeAppointment['unit'],
  instance: Instance,
): FakeAppointment => ({ start, durationMinutes, careArea, contactMode, unit, source: { instance } });

const KINDS: Record<string, readonly [fi: string, sv: string]> = {
  DOCTOR_VISIT: ['Lääkärin vastaanotto', 'Läkarmottagning'],
  DENTAL_EXAMINATION: ['Hammaslääkärin tutkimus', 'Tandläkarundersökning'],
  SERIAL_TREATMENT: ['Sarjahoito', 'Serievård'],
  TRANSPORT_SERVICE: ['Kuljetuspalvelu', 'Färdtjänst'],
};
const fee = (date: string, kind: string, amountCents: number, status: string, instance: Instance): FakeFee => ({
  date,
  description: KINDS[kind]![0],
  descriptionSv: KINDS[kind]![1],
  kind,
  amountCents,
  status,
  source: { instance },
});

const NO_CEILING = { ceilingCents: 76_200, reachedOn: null, feesAfter: [] };

const ONNI: FakePerson = {
  key: 'onni',
  firstNames: 'Onni Juhani',
  surname: 'Rantala',
  appointments: [
    appointment('2026-11-30T08:00:00+02:00', 45, 'ORAL_HEALTH', 'ON_SITE', UNITS.porvooDental, 'lifecare-porvoo'),
    appointment('2026-12-14T15:30:00+02:00', 30, 'PRIMARY_HEALTH', 'ON_SITE', UNITS.sipooSchool, 'mediatri-sipoo'),
  ],
  fees: [],
  ceiling: NO_CEILING,
  dependants: [],
  reads: [],
};

/** Ilona's read log: a physician, a nurse, a lookup, a refused dentist, newest first. */
function ilonaReads(): FakeRead[] {
  const kinds: Omit<FakeRead, 'at'>[] = [
    {
      action: 'READ',
      readerRole: 'PROFESSIONAL',
      readerName: 'Lotta Kallioniemi',
      dataGroups: ['BASIC', 'APPOINTMENTS'],
      outcome: 'ALLOWED',
      basis: 'CARE_RELATION',
      reason: null,
    },
    {
      action: 'LOOKUP',
      readerRole: 'PROFESSIONAL',
      readerName: 'Lotta Kallioniemi',
      dataGroups: ['BASIC'],
      outcome: 'ALLOWED',
      basis: 'PROFESSIONAL_ROLE',
      reason: null,
    },
    {
      action: 'READ',
      readerRole: 'PROFESSIONAL',
      readerName: 'Lotta Kallioniemi',
      dataGroups: ['CUSTOMERSHIPS', 'PLANS'],
      outcome: 'ALLOWED',
      basis: 'CONSENT',
      reason: null,
    },
    {
      action: 'READ',
      readerRole: 'PROFESSIONAL',
      readerName: 'Ebba Granqvist',
      dataGroups: ['APPOINTMENTS'],
      outcome: 'DENIED',
      basis: null,
      reason: 'NO_CARE_RELATION',
    },
  ];
  return Array.from({ length: 23 }, (_, i) => {
    const day = new Date(Date.UTC(2026, 10, 23 - i * 3, 7 + (i % 5), (i * 17) % 60));
    return { ...kinds[i % kinds.length]!, at: day.toISOString().replace('.000Z', '.000+00:00') };
  });
}

const ILONA: FakePerson = {
  key: 'ilona',
  firstNames: 'Ilona Maria',
  surname: 'Rantala',
  appointments: [
    appointment('2026-11-25T09:30:00+02:00', 30, 'PRIMARY_HEALTH', 'ON_SITE', UNITS.porvooHealth, 'lifecare-porvoo'),
    appointment('2026-11-27T14:00:00+02:00', 20, 'PRIMARY_HEALTH', 'PHONE', UNITS.sipooHealth, 'mediatri-sipoo'),
    appointment('2026-12-03T08:15:00+02:00', 45, 'ORAL_HEALTH', 'ON_SITE', UNITS.porvooDental, 'lifecare-porvoo'),
    appointment('2026-12-09T13:00:00+02:00', 60, 'SOCIAL', 'VIDEO', UNITS.porvooRehab, 'effica-porvoo'),
    appointment('2026-12-16T10:00:00+02:00', 30, 'PRIMARY_HEALTH', 'ON_SITE', UNITS.sipooHealth, 'mediatri-sipoo'),
  ],
  fees: [
    fee('2026-02-03', 'DOCTOR_VISIT', 2_200, 'PAID', 'lifecare-porvoo'),
    fee('2026-03-17', 'DENTAL_EXAMINATION', 3_230, 'PAID', 'lifecare-porvoo'),
    fee('2026-05-06', 'SERIAL_TREATMENT', 1_170, 'PAID', 'mediatri-sipoo'),
    fee('2026-06-10', 'TRANSPORT_SERVICE', 4_500, 'PAID', 'proconsona-sipoo'),
    // A description the term list does not know: no Swedish, no kind.
    {
      date: '2026-09-01',
      description: 'Sosiaalinen kuntoutus, ryhmätoiminta',
      descriptionSv: null,
      kind: null,
      amountCents: 24_000,
      status: 'PAID',
      source: { instance: 'effica-porvoo' },
    },
    fee('2026-10-14', 'DOCTOR_VISIT', 2_200, 'PAID', 'lifecare-porvoo'),
    fee('2026-11-04', 'SERIAL_TREATMENT', 1_170, 'OPEN', 'mediatri-sipoo'),
    fee('2026-11-18', 'DENTAL_EXAMINATION', 3_230, 'OPEN', 'lifecare-porvoo'),
  ],
  ceiling: { ceilingCents: 76_200, reachedOn: '2026-10-14', feesAfter: [6, 7] },
  dependants: [ONNI],
  reads: ilonaReads(),
};

const SAGA: FakePerson = {
  key: 'saga',
  firstNames: 'Saga Ingrid',
  surname: 'Sjöberg',
  appointments: [appointment('2026-12-01T12:30:00+02:00', 30, 'PRIMARY_HEALTH', 'ON_SITE', UNITS.sipooSchool, 'mediatri-sipoo')],
  fees: [],
  ceiling: NO_CEILING,
  dependants: [],
  reads: [],
};
const ERIK: FakePerson = { ...SAGA, key: 'erik', firstNames: 'Erik', appointments: [] };
const NILS: FakePerson = {
  key: 'nils',
  firstNames: 'Nils Johan',
  surname: 'Sjöberg',
  appointments: [appointment('2026-12-02T09:00:00+02:00', 30, 'PRIMARY_HEALTH', 'PHONE', UNITS.sipooHealth, 'mediatri-sipoo')],
  fees: [fee('2026-04-22', 'DOCTOR_VISIT', 2_200, 'PAID', 'mediatri-sipoo')],
  ceiling: NO_CEILING,
  dependants: [SAGA, ERIK],
  reads: [],
};

/** The person each demo citizen is here; the others have no records. */
function personOf(userId: string): FakePerson {
  if (userId === 'citizen') return ILONA;
  if (userId === 'guardian') return NILS;
  const user = DEMO_USERS.find((u) => u.id === userId);
  const [firstNames = '', surname = ''] = (user?.person ? [user.person.firstNames, user.person.surname] : []) as string[];
  return { key: userId, firstNames, surname, appointments: [], fees: [], ceiling: NO_CEILING, dependants: [], reads: [] };
}

/** An opaque cursor of a position, and the page after one. */
function paginate<T>(items: readonly T[], args: { first?: number | null; after?: string | null }, idOf: (t: T, i: number) => string) {
  const first = args.first ?? 20;
  if (first < 1 || first > 100)
    throw new GraphQLError(`expected first from 1 to 100, received ${first}`, { extensions: { code: 'BAD_USER_INPUT' } });
  const start = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) + 1 : 0;
  const slice = items.slice(start, start + first);
  const edges = slice.map((node, i) => ({
    cursor: Buffer.from(String(start + i)).toString('base64url'),
    node: { id: idOf(node, start + i), ...node },
  }));
  return {
    edges,
    pageInfo: { hasNextPage: start + first < items.length, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: items.length,
  };
}

const withSource = <T extends Sourced>(item: T) => ({
  ...item,
  source: { ...item.source, ...SOURCES[item.source.instance], localId: 'x' },
});

/** One GraphQL request as the fake saw it. */
export interface FakeRequest {
  /** The operation the documentId names (null: not a registered document). */
  readonly operationName: string | null;
  readonly documentId: string | null;
  /** True when the body carried query text (the portal must never send any). */
  readonly hadQueryText: boolean;
  readonly acceptLanguage: string | null;
  readonly signedIn: boolean;
}

export interface FakeRegion {
  /** `http://127.0.0.1:PORT`; the portal at `${url}/portal/`. */
  readonly url: string;
  readonly requests: FakeRequest[];
  /** Sources that cannot be read from now on (their items left out, named in missingSources and in an error each); [] restores them. */
  setMissing(instances: readonly string[]): void;
  /** The next answers of an operation carry this error (data null); null: normal answers again. */
  failOperation(operationName: string, error: { readonly message: string; readonly code: string } | null): void;
  /** Tokens minted so far stop being accepted (UNAUTHENTICATED), as when they expire. */
  revokeTokens(): void;
  close(): Promise<void>;
}

/** Starts the fake region on 127.0.0.1 (port 0: any free one). */
export async function startFakeRegion(options: { readonly port?: number } = {}): Promise<FakeRegion> {
  const schema = buildSchema(FAKE_SDL);
  const documents = new Map(loadDocuments().map((d) => [d.documentId, d]));
  const requests: FakeRequest[] = [];
  let missing = new Set<string>();
  const failures = new Map<string, { message: string; code: string }>();
  let tokenEpoch = 0;

  const customerOf = (p: FakePerson): Record<string, unknown> => {
    const live = <T extends Sourced>(xs: readonly T[]) => xs.filter((x) => !missing.has(x.source.instance));
    const instances = new Set(
      [p.appointments, p.fees, ...p.dependants.flatMap((d) => [d.appointments, d.fees])].flat().map((x) => x.source.instance),
    );
    const missingSources = [...missing]
      .filter((i) => instances.has(i as Instance))
      .map((instance) => ({ instance, code: 'SOURCE_UNAVAILABLE' }));
    const fees = p.fees.map(withSource);
    return {
      id: Buffer.from(`Customer:${p.key}`).toString('base64url'),
      firstNames: p.firstNames,
      surname: p.surname,
      missingSources,
      dependants: p.dependants.map((d) => ({ firstNames: d.firstNames, surname: d.surname, customer: customerOf(d) })),
      appointmentsConnection: (args: { first?: number; after?: string }) =>
        paginate(live(p.appointments).map(withSource), args, (_a, i) => `Appointment:${p.key}:${i}`),
      feesConnection: (args: { year?: number; first?: number; after?: string }) =>
        paginate(
          fees.filter((f) => !missing.has(f.source.instance) && (args.year === undefined || f.date.startsWith(`${args.year}-`))),
          args,
          (f) => `Fee:${p.key}:${f.date}:${f.amountCents}`,
        ),
      feeCeiling: ({ year }: { year: number }) => {
        const counted = live(fees).filter((f) => f.date.startsWith(`${year}-`));
        const after = p.ceiling.feesAfter.map((i) => fees[i]!).filter((f) => !missing.has(f.source.instance));
        // Reached: the ceiling (her son's fees made up the rest) and what was charged after it; else her own fees.
        const accruedCents = p.ceiling.reachedOn
          ? p.ceiling.ceilingCents + after.reduce((sum, f) => sum + f.amountCents, 0)
          : counted.reduce((sum, f) => sum + f.amountCents, 0);
        const reached = p.ceiling.reachedOn !== null && accruedCents >= p.ceiling.ceilingCents;
        return {
          year,
          ceilingCents: p.ceiling.ceilingCents,
          accruedCents,
          reached,
          reachedOn: reached ? p.ceiling.reachedOn : null,
          complete: missingSources.length === 0,
          missingSources,
          includesDependants: p.dependants.slice(0, 1).map((d) => ({ id: `Customer:${d.key}`, firstNames: d.firstNames })),
          feesAfterCeiling: after.map((f) => ({ id: `Fee:${p.key}:${f.date}:${f.amountCents}`, ...f })),
        };
      },
    };
  };

  const app = Fastify({ logger: false });
  registerPortal(app, {
    endpoint: '/graphql',
    logger: app.log,
    identity: { tokenEndpoint: '/dev-idp/token', users: portalUsers(DEMO_USERS) },
  });

  app.get<{ Querystring: { as?: string } }>('/dev-idp/token', async (req, reply) => {
    const as = req.query.as ?? '';
    if (!DEMO_USERS.some((u) => u.id === as && u.identity.kind === 'citizen')) {
      return reply.code(404).send({ error: { code: 'UNKNOWN_DEMO_USER', message: 'Expected a demo citizen, received another value.' } });
    }
    return reply
      .header('cache-control', 'no-store')
      .send({ token: `fake.${tokenEpoch}.${as}`, tokenType: 'Bearer', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  });

  app.post<{ Body: { documentId?: unknown; query?: unknown; variables?: Record<string, unknown> } }>('/graphql', async (req, reply) => {
    const body = req.body ?? {};
    const documentId = typeof body.documentId === 'string' ? body.documentId : null;
    const document = documentId ? documents.get(documentId) : undefined;
    const auth = /^Bearer fake\.(\d+)\.([\w-]+)$/.exec(req.headers.authorization ?? '');
    requests.push({
      operationName: document?.name ?? null,
      documentId,
      hadQueryText: body.query !== undefined,
      acceptLanguage: req.headers['accept-language'] ?? null,
      signedIn: auth !== null,
    });
    if (body.query !== undefined) {
      return reply
        .code(400)
        .send({ errors: [{ message: 'Only trusted documents are accepted here.', extensions: { code: 'TRUSTED_DOCUMENTS_ONLY' } }] });
    }
    if (!document) {
      return reply.code(400).send({ errors: [{ message: 'Unknown documentId.', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    }
    if (req.headers.authorization !== undefined && (!auth || Number(auth[1]) !== tokenEpoch)) {
      return reply
        .code(401)
        .send({ errors: [{ message: 'The sign-in is not valid.', extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' } }] });
    }
    const failure = failures.get(document.name);
    if (failure) return reply.send({ data: null, errors: [{ message: failure.message, extensions: { code: failure.code } }] });

    const userId = auth?.[2] ?? null;
    const rootValue = {
      codeLists: () =>
        Object.entries(CODE_LISTS).map(([name, codes]) => ({
          name,
          codes: Object.entries(codes).map(([code, [fi, sv, en]]) => ({ code, fi, sv, en })),
        })),
      me: () => {
        if (!userId) throw new GraphQLError('Sign in first.', { extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_AUTHENTICATED' } });
        const person = personOf(userId);
        return {
          id: Buffer.from(`Viewer:${userId}`).toString('base64url'),
          role: 'CITIZEN',
          customer: customerOf(person),
          name: null,
          dataReads: (args: { first?: number; after?: string }) => paginate(person.reads, args, (_r, i) => `DataRead:${i}`),
        };
      },
    };
    const result = await graphql({ schema, source: document.text, rootValue, variableValues: body.variables ?? {} });
    const errors = [...(result.errors ?? []).map((e) => e.toJSON())];
    // As the region does: each source that could not be read is also an error naming it.
    const named = new Set<string>();
    JSON.stringify(result.data ?? null, (key, value: unknown) => {
      if (key === 'missingSources' && Array.isArray(value)) for (const m of value as { instance: string }[]) named.add(m.instance);
      return value;
    });
    for (const instance of named) {
      errors.push({
        message: `Expected an answer from ${instance}, received none in time.`,
        extensions: { code: 'SOURCE_UNAVAILABLE', instance },
      });
    }
    return reply.send({ data: result.data ?? null, ...(errors.length > 0 ? { errors } : {}) });
  });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    url: address,
    requests,
    setMissing: (instances) => void (missing = new Set(instances)),
    failOperation: (name, error) => void (error ? failures.set(name, { ...error }) : failures.delete(name)),
    revokeTokens: () => void tokenEpoch++,
    close: () => app.close(),
  };
}
