/**
 * The saved example operations GraphiQL opens with, one tab each, written
 * against the region schema (schema/sdl.ts) with variables. Each is for one
 * demo user (gateway/auth/demoUsers.ts), named in its first line and in
 * `identity` (GraphiQL signs in as that user when the tab is opened), and
 * asks about the demo persons only (never a person taken from the index):
 * the example citizen, whose records span two municipalities and four
 * products, and her son. Tests validate them against the committed
 * supergraph and run each as its identity on the bundled fixtures
 * (test/e2e/examples.test.ts).
 */
import { helsinkiToday, systemClock } from '../domain/time.ts';
import { EXAMPLE_CHILD, EXAMPLE_CITIZEN } from './auth/demoUsers.ts';

/** The identity code the citizen examples ask about: the example citizen's (a demo person). */
export const EXAMPLE_HETU = EXAMPLE_CITIZEN.hetu;

export interface ExampleOperation {
  /** Tab title (the operation's name). */
  readonly name: string;
  readonly query: string;
  /** Shown in the tab's variables editor. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** The demo user the example is for (`npm run token -- --as …`, GraphiQL's picker). */
  readonly identity?: string;
}

export interface ExampleOptions {
  /** Fee year; default the year of `today`. */
  readonly year?: number;
  /** The day (`YYYY-MM-DD`, Helsinki) the default year comes from; default today by the system clock. */
  readonly today?: string;
}

/**
 * The saved examples: a citizen's next appointments, fees and fee ceiling,
 * a guardian's view of a child, a physician's client overview and an
 * analyst's statistics.
 */
export function exampleOperations(options: ExampleOptions = {}): ExampleOperation[] {
  const year = options.year ?? Number((options.today ?? helsinkiToday(systemClock)).slice(0, 4));
  const citizen = { hetu: EXAMPLE_CITIZEN.hetu };
  return [
    {
      name: 'NextAppointments',
      identity: 'citizen',
      variables: citizen,
      query: `# Sign in as: citizen (Ilona Rantala, asking about herself).
# A citizen's next appointments anywhere in the region: booked,
# from now on, soonest first. Every item names the system and the
# municipality it came from: here Lifecare in Porvoo and Mediatri
# in Sipoo, where she lived before. Lists are connections: pass
# pageInfo.endCursor as after for the next page; id is stable for
# client caches.
query NextAppointments($hetu: ID!, $after: String) {
  customer(hetu: $hetu) {
    id
    firstNames
    surname
    appointmentsConnection(upcoming: true, status: [BOOKED], first: 10, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          start
          durationMinutes
          careArea
          professionalKind
          contactMode
          unit { name nameSv }
          professional { name title }
          source { instance product municipality { nameFi nameSv } }
        }
      }
    }
    # Sources that could not be read: never a silent gap.
    missingSources { instance code }
  }
}
`,
    },
    {
      name: 'FeesAndCeiling',
      identity: 'citizen',
      variables: { ...citizen, year },
      query: `# Sign in as: citizen (Ilona Rantala).
# Client fees of one year from every system of the region (Lifecare,
# Mediatri, ProConsona, Effica) and the fee ceiling status: voided
# fees excluded; her son's fees count towards hers (the guardian VTJ
# lists first).
query FeesAndCeiling($hetu: ID!, $year: Int!) {
  customer(hetu: $hetu) {
    firstNames
    surname
    feesConnection(year: $year, first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          date
          description
          amountCents
          accruesToCeiling
          status
          register
          source { instance product municipality { nameFi } }
        }
      }
    }
    feeCeiling(year: $year) {
      year
      ceilingCents
      accruedCents
      reached
      reachedOn
      feesAfterCeiling { date description amountCents source { instance } }
      includesDependants { firstNames surname }
      minorFeesCountTowards { firstNames surname }
      complete
      missingSources { instance code }
    }
  }
}
`,
    },
    {
      name: 'ChildOfGuardian',
      identity: 'citizen',
      variables: { hetu: EXAMPLE_CHILD.hetu },
      query: `# Sign in as: citizen (Ilona Rantala, asking about her son Onni).
# A guardian VTJ lists sees a minor's data: appointments in Porvoo
# and Sipoo, and family work in Porvoo. (Child welfare records and
# anything a KIELTO_HUOLTAJALLE prohibition covers stay hidden.)
query ChildOfGuardian($hetu: ID!) {
  customer(hetu: $hetu) {
    firstNames
    surname
    birthDate
    guardians { firstNames surname }
    appointmentsConnection(first: 10) {
      totalCount
      edges { node { id start careArea status unit { name } source { instance municipality { nameFi } } } }
    }
    customershipsConnection {
      edges {
        node {
          id
          serviceTask
          service
          unit { name nameSv }
          startDate
          endDate
          source { instance municipality { nameFi } }
        }
      }
    }
    missingSources { instance code }
  }
}
`,
    },
    {
      name: 'ClientOverview',
      identity: 'physician',
      variables: citizen,
      query: `# Sign in as: physician (Lotta Kallioniemi, Porvoo health centre).
# A professional's overview of one client: basic data from VTJ and
# every list, merged across the municipalities and systems that hold
# the person's records. The physician has a care relation (Ilona's
# appointments with her); the social care records come with Ilona's
# consent to disclose them to health care (LUOVUTUS_TERVEYDENHUOLTOON).
query ClientOverview($hetu: ID!) {
  customer(hetu: $hetu) {
    hetu
    firstNames
    surname
    birthDate
    language
    turvakielto
    municipality { code nameFi nameSv }
    address { streetFi postalCode cityFi }
    dependants { hetu firstNames surname }
    customershipsConnection(open: true) {
      edges {
        node {
          serviceTask
          service
          unit { name oid }
          responsibleWorker
          startDate
          extraSensitive
          source { instance product municipality { nameFi } }
        }
      }
    }
    decisionsConnection {
      edges { node { service decisionDate validFrom validTo outcome source { instance municipality { nameFi } } } }
    }
    plansConnection {
      edges { node { careArea type title startDate reviewDate source { instance municipality { nameFi } } } }
    }
    appointmentsConnection(upcoming: true, first: 5) {
      totalCount
      edges { node { start careArea status unit { name nameSv } source { instance product municipality { nameFi } } } }
    }
    consentsConnection(inForce: true) {
      edges { node { type givenOn source { instance municipality { nameFi } } } }
    }
    missingSources { instance code }
  }
}
`,
    },
    {
      name: 'RegionStatistics',
      identity: 'analyst',
      variables: { municipality: '638', fromMonth: `${year}-01`, toMonth: `${year}-12` },
      query: `# Sign in as: analyst (aggregates only; no personal data).
# Counts computed from the sources themselves and kept current from
# their change listings: clients by care area, customerships by service
# task, appointments by month. currentAsOf: every change the sources made
# before it is counted (lagSeconds: how long ago). Every count below 5 is
# withheld (count null, suppressed true).
query RegionStatistics($municipality: MunicipalityCode, $fromMonth: YearMonth, $toMonth: YearMonth) {
  statistics(municipality: $municipality, fromMonth: $fromMonth, toMonth: $toMonth) {
    complete
    currentAsOf
    computedAt
    unavailableSources { instance code }
    clients { municipality { nameFi } careArea count suppressed }
    customerships { serviceTask count suppressed }
    appointments { careArea month count suppressed }
    multiAreaClients { careAreas count suppressed }
  }
}
`,
    },
  ];
}
