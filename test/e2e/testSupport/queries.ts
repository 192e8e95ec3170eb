/**
 * Query texts of the end-to-end tests, shared with the interop test
 * (test/interop/interop.test.ts), which sends each of them to a second
 * gateway too: one text, so the two cannot drift apart.
 */

/** An item's provenance, as the region tests ask it. */
export const SOURCE = 'source { instance product localId municipality { code nameFi nameSv } }';

/** Everything a customer has, each item with its provenance (test/e2e/region.test.ts). */
export const CUSTOMER_QUERY = `query Customer($hetu: ID!) {
  customer(hetu: $hetu) {
    hetu surname firstNames
    municipality { code nameFi nameSv }
    appointments { start careArea professionalKind status unit { name } note ${SOURCE} }
    fees { date amountCents accruesToCeiling status ${SOURCE} }
    customerships { serviceTask startDate service ${SOURCE} }
    decisions { decisionDate outcome service ${SOURCE} }
    plans { type startDate ${SOURCE} }
    consents { type givenOn ${SOURCE} }
    missingSources { instance code }
  }
}`;

/** The merged appointments by time window, upcoming, care area and status, and ordered (test/e2e/region.test.ts). */
export const APPOINTMENT_FILTERS_QUERY = `query($hetu: ID!) { customer(hetu: $hetu) {
        window: appointments(from: "2026-01-01T00:00:00+02:00", to: "2026-12-10T10:00:00+02:00") { start source { instance } }
        upcoming: appointments(upcoming: true) { start source { instance } }
        oral: appointments(careArea: [ORAL_HEALTH]) { start source { instance } }
        booked: appointments(status: [BOOKED]) { start source { instance } }
        latestTwo: appointments(order: DESC, first: 2) { start source { instance } }
      } }`;

/** A year's fees and the region-wide fee ceiling (test/e2e/region.test.ts). */
export const CEILING_QUERY = `query Ceiling($hetu: ID!, $year: Int!) {
  customer(hetu: $hetu) {
    firstNames
    fees(year: $year) { date amountCents accruesToCeiling status ${SOURCE} }
    feeCeiling(year: $year) {
      year ceilingCents accruedCents reached reachedOn complete
      feesAfterCeiling { date amountCents accruesToCeiling status ${SOURCE} }
      countedFees { customer { hetu } runningTotalCents fee { date amountCents accruesToCeiling status ${SOURCE} } }
      includesDependants { hetu }
      minorFeesCountTowards { hetu }
      missingSources { instance code }
    }
  }
}`;

/** Every data group of a customer: the access tests' default field list (test/e2e/access.test.ts). */
export const PERSONAL = `hetu surname firstNames turvakielto address { streetFi } municipality { code }
  appointments { careArea unit { oid } } customerships { serviceTask extraSensitive } decisions { service } plans { type }
  fees { amountCents } consents { type withdrawnOn }`;

/** The access tests' query of one customer (variable `h`) with the given fields. */
export const customerFieldsQuery = (fields: string): string => `query ($h: ID!) { customer(hetu: $h) { ${fields} } }`;

/** Public and personal fields in one query (variable `h`): what an anonymous caller gets (test/e2e/access.test.ts). */
export const PUBLIC_AND_PERSONAL_QUERY = `query ($h: ID!) { municipalities { code } customer(hetu: $h) { surname } }`;

/** One aliased query over many clients, each `p{i}` (test/e2e/access.test.ts, the audit log). */
export const aliasedClientsQuery = (hetus: readonly string[]): string =>
  `{ ${hetus.map((h, i) => `p${i}: customer(hetu: "${h}") { surname appointments { start } }`).join(' ')} }`;

/** A professional's lookup by identity code (test/e2e/access.test.ts). */
export const lookupQuery = (hetu: string): string => `{ customer(hetu: "${hetu}") { hetu } }`;

/** The reads of the caller's own data, and their FHIR export (test/e2e/access.test.ts). */
export const MY_DATA_READS_QUERY = `{ myDataReads(first: 50) { edges { node { readerName basis dataGroups outcome } } } myDataReadsFhir(first: 50) }`;

/** Emergency access to a client, with a reason (variables `h`, `r`; test/e2e/access.test.ts). */
export const START_EMERGENCY_ACCESS = `mutation ($h: ID!, $r: String!) { startEmergencyAccess(hetu: $h, reason: $r) { expiresAt } }`;
