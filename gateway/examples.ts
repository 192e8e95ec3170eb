/**
 * The saved example operations GraphiQL opens with, one tab each, written
 * against the region schema (schema/sdl.ts). A test validates them against
 * the committed supergraph, so a schema change that breaks one fails there.
 */
import { helsinkiToday, systemClock } from '../adapters/core/time.ts';

/**
 * The identity code the examples ask about.
 * INTEGRATION POINT (lead): replace with a person of the bundled fixtures
 * who has records in two municipalities, or pass `examples.hetu` to
 * createGateway (scripts/start.ts does).
 */
export const EXAMPLE_HETU = '010150-999K';

export interface ExampleOperation {
  /** Tab title (the operation's name). */
  readonly name: string;
  readonly query: string;
  /** Shown in the tab's variables editor. */
  readonly variables?: Readonly<Record<string, unknown>>;
}

export interface ExampleOptions {
  /** Identity code written into the queries; default EXAMPLE_HETU. */
  readonly hetu?: string;
  /** Fee year; default the current year in Helsinki. */
  readonly year?: number;
}

/** The three saved examples: a citizen's next appointments, a client overview, fees and fee ceiling. */
export function exampleOperations(options: ExampleOptions = {}): ExampleOperation[] {
  const hetu = JSON.stringify(options.hetu ?? EXAMPLE_HETU);
  const year = options.year ?? Number(helsinkiToday(systemClock).slice(0, 4));
  return [
    {
      name: 'NextAppointments',
      query: `# A citizen's next appointments anywhere in the region:
# booked, from now on, soonest first. Every item names the
# system instance and municipality it came from.
query NextAppointments {
  customer(hetu: ${hetu}) {
    firstNames
    surname
    appointments(upcoming: true, status: [BOOKED], first: 10) {
      start
      durationMinutes
      careArea
      professionalKind
      contactMode
      unit { name nameSv }
      professional { name title }
      source { instance municipality { nameFi nameSv } }
    }
    # Sources that could not be read: never a silent gap.
    missingSources { instance code }
  }
}
`,
    },
    {
      name: 'ClientOverview',
      query: `# A professional's overview of one client: basic data from VTJ
# and every list, merged across the municipalities and systems
# that hold the person's records.
query ClientOverview {
  customer(hetu: ${hetu}) {
    hetu
    firstNames
    surname
    birthDate
    language
    turvakielto
    municipality { code nameFi nameSv }
    address { streetFi postalCode cityFi }
    guardians { hetu firstNames surname }
    dependants { hetu firstNames surname }
    customerships(open: true) {
      serviceTask
      service
      unit
      responsibleWorker
      startDate
      extraSensitive
      source { instance municipality { nameFi } }
    }
    decisions {
      service
      decisionDate
      validFrom
      validTo
      outcome
      source { instance municipality { nameFi } }
    }
    plans {
      careArea
      type
      title
      startDate
      reviewDate
      source { instance municipality { nameFi } }
    }
    appointments(upcoming: true, first: 5) {
      start
      careArea
      status
      unit { name nameSv }
      source { instance municipality { nameFi } }
    }
    consents(inForce: true) {
      type
      givenOn
      source { instance municipality { nameFi } }
    }
    missingSources { instance code }
  }
}
`,
    },
    {
      name: 'FeesAndCeiling',
      query: `# Client fees of one year across the region and the fee ceiling
# status (voided fees excluded; a minor's fees count towards the
# guardian VTJ lists first).
query FeesAndCeiling {
  customer(hetu: ${hetu}) {
    firstNames
    surname
    fees(year: ${year}) {
      date
      description
      amountCents
      accruesToCeiling
      status
      register
      source { instance municipality { nameFi } }
    }
    feeCeiling(year: ${year}) {
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
  ];
}
