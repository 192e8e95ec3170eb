/**
 * Example operations (GraphiQL's saved queries, README, query-plan test).
 * Variables use synthetic identity codes (individual numbers 900–999).
 */

/** The example citizen of the bundled fixtures, a planted demo person (gateway/auth/demoUsers.ts, fixtures/generator/demo.ts). */
const EXAMPLE_CITIZEN = '170584-928L';

export interface ExampleOperation {
  readonly name: string;
  readonly title: string;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * A client's region-wide picture in one query. (The fee ceiling has its own
 * example: it also reads the dependants' records.)
 */
export const CLIENT_OVERVIEW: ExampleOperation = {
  name: 'ClientOverview',
  title: 'Client overview',
  query: `query ClientOverview($hetu: ID!, $year: Int!) {
  customer(hetu: $hetu) {
    hetu
    surname
    firstNames
    birthDate
    language
    turvakielto
    deathDate
    address { streetFi streetSv postalCode cityFi citySv }
    municipality { code nameFi nameSv }
    guardians { hetu surname firstNames }
    dependants { hetu surname firstNames }
    customerships {
      serviceTask service startDate endDate extraSensitive
      unit { name nameFi nameSv }
      source { instance municipality { nameFi nameSv } localId }
    }
    decisions {
      service decisionDate validFrom validTo outcome
      source { instance municipality { nameFi } }
    }
    plans {
      careArea type title startDate endDate reviewDate
      source { instance municipality { nameFi } }
    }
    appointments(upcoming: true, first: 10) {
      start durationMinutes careArea professionalKind contactMode status
      unit { oid name nameFi nameSv }
      professional { name title }
      source { instance municipality { nameFi nameSv } }
    }
    fees(year: $year) {
      date description amountCents accruesToCeiling status
      source { instance municipality { nameFi } }
    }
    consents {
      type givenOn withdrawnOn
      source { instance municipality { nameFi } }
    }
    missingSources { instance code }
  }
}`,
  variables: { hetu: EXAMPLE_CITIZEN, year: 2026 },
};

/** A citizen's next appointments across the region. */
export const NEXT_APPOINTMENTS: ExampleOperation = {
  name: 'NextAppointments',
  title: "A citizen's next appointments",
  query: `query NextAppointments($hetu: ID!) {
  customer(hetu: $hetu) {
    firstNames
    appointments(upcoming: true, status: [BOOKED], first: 5) {
      start durationMinutes careArea contactMode
      unit { name nameSv }
      professional { name title }
      source { instance municipality { nameFi nameSv } }
    }
    missingSources { instance code }
  }
}`,
  variables: { hetu: EXAMPLE_CITIZEN },
};

/** Fees of a year and the region-wide fee ceiling, with dependants' fees. */
export const FEES_AND_CEILING: ExampleOperation = {
  name: 'FeesAndCeiling',
  title: 'Fees and fee ceiling',
  query: `query FeesAndCeiling($hetu: ID!, $year: Int!) {
  customer(hetu: $hetu) {
    surname
    firstNames
    fees(year: $year) {
      date description amountCents accruesToCeiling status
      source { instance municipality { nameFi } localId }
    }
    feeCeiling(year: $year) {
      year ceilingCents accruedCents reached reachedOn complete
      feesAfterCeiling { date description amountCents source { instance localId } }
      countedFees { customer { hetu firstNames } runningTotalCents fee { date amountCents source { instance } } }
      includesDependants { hetu firstNames }
      minorFeesCountTowards { hetu firstNames }
      missingSources { instance code }
    }
  }
}`,
  variables: { hetu: EXAMPLE_CITIZEN, year: 2026 },
};

export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [NEXT_APPOINTMENTS, CLIENT_OVERVIEW, FEES_AND_CEILING];
