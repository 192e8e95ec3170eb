/**
 * The adapter's SELECTs, the only statements it ever sends. Dates and
 * timestamps are formatted to text in SQL (`to_char`), so neither the
 * server's DateStyle nor JavaScript's Date/local time touches them.
 *
 * Persons are found by identity code in their legacy forms too: the stored
 * HETU with every white-space character removed and upper-cased is compared
 * with the requested codes and with the same codes without their century
 * sign (`keysFor`).
 */

/** The stored HETU as the adapter compares it (same expression as the emulator's index). */
export const HETU_KEY = `upper(regexp_replace("HETU", '\\s', '', 'g'))`;

const date = (col: string, alias = col): string => `to_char(${col}, 'YYYY-MM-DD') AS "${alias}"`;
const MUUTETTU = `to_char("MUUTETTU", 'YYYY-MM-DD HH24:MI:SS') AS "MUUTETTU"`;
const PERSON_IDS = `SELECT "ASIAKAS_ID" FROM "V_ASIAKAS" WHERE ${HETU_KEY} = ANY($1::text[])`;

/** V_ASIAKAS rows whose HETU matches one of the keys ($1 text[]). */
export const SELECT_ASIAKAS = `SELECT "ASIAKAS_ID", "HETU", "SUKUNIMI", "ETUNIMET", "KUNTA_KOODI", "KIELI_KOODI", "LAHIOSOITE", "POSTINUMERO", "POSTITOIMIPAIKKA", "TURVAKIELTO", ${MUUTETTU} FROM "V_ASIAKAS" WHERE ${HETU_KEY} = ANY($1::text[]) ORDER BY "ASIAKAS_ID"`;

/** Customerships of the matching clients. */
export const SELECT_ASIAKKUUS = `SELECT "ASIAKKUUS_ID", "ASIAKAS_ID", "PALVELUTEHTAVA_ID", "YKSIKKO_NIMI", "TYONTEKIJA_NIMI", ${date('"ALKAA"', 'ALKAA')}, ${date('"PAATTYY"', 'PAATTYY')}, "SALAINEN" FROM "V_ASIAKKUUS" WHERE "ASIAKAS_ID" IN (${PERSON_IDS}) ORDER BY "ASIAKKUUS_ID"`;

/** Decisions of the matching clients' customerships, with the client's id. */
export const SELECT_PAATOS = `SELECT p."PAATOS_ID", p."ASIAKKUUS_ID", a."ASIAKAS_ID", p."PALVELU", ${date('p."PAATOSPVM"', 'PAATOSPVM')}, ${date('p."ALKAA"', 'ALKAA')}, ${date('p."PAATTYY"', 'PAATTYY')}, p."MYONTEINEN" FROM "V_PAATOS" p JOIN "V_ASIAKKUUS" a ON a."ASIAKKUUS_ID" = p."ASIAKKUUS_ID" WHERE a."ASIAKAS_ID" IN (${PERSON_IDS}) ORDER BY p."PAATOS_ID"`;

/** Plans of the matching clients' customerships, with the client's id. */
export const SELECT_SUUNNITELMA = `SELECT s."SUUNNITELMA_ID", s."ASIAKKUUS_ID", a."ASIAKAS_ID", s."TYYPPI", ${date('s."LAADITTU"', 'LAADITTU')}, ${date('s."TARKISTETAAN"', 'TARKISTETAAN')}, s."LAATIJA" FROM "V_SUUNNITELMA" s JOIN "V_ASIAKKUUS" a ON a."ASIAKKUUS_ID" = s."ASIAKKUUS_ID" WHERE a."ASIAKAS_ID" IN (${PERSON_IDS}) ORDER BY s."SUUNNITELMA_ID"`;

/** Fees of the matching clients. */
export const SELECT_MAKSU = `SELECT "MAKSU_ID", "ASIAKAS_ID", ${date('"PVM"', 'PVM')}, "SELITE", "SUMMA_SNT", "KATTOON", "TILA" FROM "V_MAKSU" WHERE "ASIAKAS_ID" IN (${PERSON_IDS}) ORDER BY "MAKSU_ID"`;

/** Consents of the matching clients. */
export const SELECT_SUOSTUMUS = `SELECT "SUOSTUMUS_ID", "ASIAKAS_ID", "TYYPPI", ${date('"ANNETTU"', 'ANNETTU')}, ${date('"PERUTTU"', 'PERUTTU')} FROM "V_SUOSTUMUS" WHERE "ASIAKAS_ID" IN (${PERSON_IDS}) ORDER BY "SUOSTUMUS_ID"`;

/**
 * One page of clients changed after $1 (Helsinki local timestamp text);
 * $2 true also lists rows with no MUUTETTU (a full listing); keyset paging
 * by ASIAKAS_ID after $3 (NULL: from the start); $4 rows.
 */
export const SELECT_CHANGED = `SELECT "ASIAKAS_ID", "HETU", "SUKUNIMI", "KUNTA_KOODI", ${MUUTETTU} FROM "V_ASIAKAS" WHERE ("MUUTETTU" > $1::timestamp OR ($2::boolean AND "MUUTETTU" IS NULL)) AND ($3::integer IS NULL OR "ASIAKAS_ID" > $3::integer) ORDER BY "ASIAKAS_ID" LIMIT $4::integer`;

/**
 * The records that belong to clients by ASIAKAS_ID ($1 integer[]): one row
 * per customership, decision, plan, fee and consent, as view name and id.
 * Asked only for listed clients that link to no one (a temporary client
 * with HETU NULL), so their records are reported with them.
 */
export const SELECT_DEPENDENTS =
  [
    `SELECT 'V_ASIAKKUUS' AS "VIEW", "ASIAKAS_ID", "ASIAKKUUS_ID" AS "ID" FROM "V_ASIAKKUUS" WHERE "ASIAKAS_ID" = ANY($1::integer[])`,
    `SELECT 'V_PAATOS', a."ASIAKAS_ID", p."PAATOS_ID" FROM "V_PAATOS" p JOIN "V_ASIAKKUUS" a ON a."ASIAKKUUS_ID" = p."ASIAKKUUS_ID" WHERE a."ASIAKAS_ID" = ANY($1::integer[])`,
    `SELECT 'V_SUUNNITELMA', a."ASIAKAS_ID", s."SUUNNITELMA_ID" FROM "V_SUUNNITELMA" s JOIN "V_ASIAKKUUS" a ON a."ASIAKKUUS_ID" = s."ASIAKKUUS_ID" WHERE a."ASIAKAS_ID" = ANY($1::integer[])`,
    `SELECT 'V_MAKSU', "ASIAKAS_ID", "MAKSU_ID" FROM "V_MAKSU" WHERE "ASIAKAS_ID" = ANY($1::integer[])`,
    `SELECT 'V_SUOSTUMUS', "ASIAKAS_ID", "SUOSTUMUS_ID" FROM "V_SUOSTUMUS" WHERE "ASIAKAS_ID" = ANY($1::integer[])`,
  ].join(' UNION ALL ') + ' ORDER BY 2, 1, 3';

/** The id column of each dependent view, for positions (`V_MAKSU MAKSU_ID=7`). */
export const DEPENDENT_ID_COLUMNS: Readonly<Record<string, string>> = {
  V_ASIAKKUUS: 'ASIAKKUUS_ID',
  V_PAATOS: 'PAATOS_ID',
  V_SUUNNITELMA: 'SUUNNITELMA_ID',
  V_MAKSU: 'MAKSU_ID',
  V_SUOSTUMUS: 'SUOSTUMUS_ID',
};

/** The columns each statement must answer with; anything else is a malformed response. */
export const EXPECTED_COLUMNS = {
  V_ASIAKAS: [
    'ASIAKAS_ID',
    'HETU',
    'SUKUNIMI',
    'ETUNIMET',
    'KUNTA_KOODI',
    'KIELI_KOODI',
    'LAHIOSOITE',
    'POSTINUMERO',
    'POSTITOIMIPAIKKA',
    'TURVAKIELTO',
    'MUUTETTU',
  ],
  V_ASIAKKUUS: ['ASIAKKUUS_ID', 'ASIAKAS_ID', 'PALVELUTEHTAVA_ID', 'YKSIKKO_NIMI', 'TYONTEKIJA_NIMI', 'ALKAA', 'PAATTYY', 'SALAINEN'],
  V_PAATOS: ['PAATOS_ID', 'ASIAKKUUS_ID', 'ASIAKAS_ID', 'PALVELU', 'PAATOSPVM', 'ALKAA', 'PAATTYY', 'MYONTEINEN'],
  V_SUUNNITELMA: ['SUUNNITELMA_ID', 'ASIAKKUUS_ID', 'ASIAKAS_ID', 'TYYPPI', 'LAADITTU', 'TARKISTETAAN', 'LAATIJA'],
  V_MAKSU: ['MAKSU_ID', 'ASIAKAS_ID', 'PVM', 'SELITE', 'SUMMA_SNT', 'KATTOON', 'TILA'],
  V_SUOSTUMUS: ['SUOSTUMUS_ID', 'ASIAKAS_ID', 'TYYPPI', 'ANNETTU', 'PERUTTU'],
  CHANGED: ['ASIAKAS_ID', 'HETU', 'SUKUNIMI', 'KUNTA_KOODI', 'MUUTETTU'],
  DEPENDENTS: ['VIEW', 'ASIAKAS_ID', 'ID'],
} as const;

/**
 * The comparison keys for valid codes: each code and the code without its
 * century sign (the form legacy rows may hold).
 */
export function keysFor(hetus: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const h of hetus) {
    keys.add(h);
    keys.add(h.slice(0, 6) + h.slice(7));
  }
  return [...keys];
}
