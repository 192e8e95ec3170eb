/**
 * Independent oracle: the `soap` package (node-soap) against our Lifecare
 * wire code, both ways, over the bundled fixtures (lifecare.md).
 *
 * A. `soap`'s server serves each instance's WSDL (wsdl.ts, MR2020 or V2015)
 *    over the instance's truth file, its service writing the spec's elements
 *    itself (this file's own writer, from the canonical records back to the
 *    version's names, dates, times, booleans and decimal-comma sums); our
 *    adapter, literal envelopes and all, reads every person from it and
 *    from our emulator: the two reads are equal, and equal the truth.
 * B. `soap`'s WSDL-driven client, built from our emulator's `?wsdl`, calls
 *    every operation for a seeded sample of persons: what it parses is, field
 *    by field, what the truth says the service holds (the same writer).
 * Faults: each `Koodi` of the spec's table, thrown by `soap`'s server, is
 * read by our adapter as its error; our emulator's faults as `soap`'s
 * client reads them; and the namespace decides the version both ways.
 *
 * Seeded (test/oracle/random.ts): `ORACLE_SEED` replays a run, `ORACLE_CASES`
 * sets the persons direction A reads per instance (default 120; B asks a
 * quarter of that), so `ORACLE_CASES=400` reads every fixture person.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterError,
  checkHetu,
  collectChanged,
  instance as instanceOf,
  makeHetu,
  type Appointment,
  type Fee,
  type InstanceId,
  type Plan,
  type PersonSlot,
  type SourceAdapter,
  type SourcePerson,
  type SourceRecords,
} from '../../domain/index.ts';
import { caseRandom, describeCase, oracleCases, oracleSeed, random, type Random } from '../../test/oracle/random.ts';
import {
  list,
  listenSoap,
  LOOPBACK_ONLY,
  normalise,
  OTHER_FORM,
  soapClient,
  soapFault,
  textOf,
  type SoapOracleServer,
} from '../../test/oracle/soap.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import { createLifecareAdapter } from './adapter.ts';
import { startLifecareEmulator } from './emulator.ts';
import { NAMESPACES, PAGE_SIZE, type LifecareVersion } from './format.ts';
import { lifecareWsdl } from './wsdl.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const INSTANCES = ['lifecare-porvoo', 'lifecare-phhyky', 'lifecare-askola'] as const satisfies readonly InstanceId[];
/** The fixtures' today (manifest.json): the adapter's default fee years are this year and the two before. */
const CLOCK = { now: () => new Date('2026-11-23T10:00:00+02:00') };
const SEED = oracleSeed();
/** Persons of each instance direction A reads (all of the two small instances; a seeded sample of lifecare-porvoo's 313). */
const A_PERSONS = oracleCases(120);
/** Persons of each instance that direction B asks `soap`'s client about (5 operations each). */
const B_PERSONS = Math.ceil(A_PERSONS / 4);
/** Persons of each read batch of direction A that soap's server also answers in its other form. */
const OTHER_FORM_PERSONS = 40;
/** Persons of each instance read with generated texts, per form of soap's server. */
const TEXT_PERSONS = 40;

type Wire = Record<string, unknown>;

// ---------------------------------------------------------------------------
// The spec's elements, written from the canonical records (lifecare.md).

const CARE_AREA: Record<string, string> = { PRIMARY_HEALTH: 'PTH', ORAL_HEALTH: 'STH' };
const KIND: Record<string, string> = {
  PHYSICIAN: 'LAAK',
  NURSE: 'HOIT',
  PUBLIC_HEALTH_NURSE: 'TERV',
  PHYSIOTHERAPIST: 'FYST',
  PSYCHOLOGIST: 'PSYK',
  DENTIST: 'HAMM',
  DENTAL_HYGIENIST: 'SUHY',
};
const MODE: Record<string, string> = { ON_SITE: 'VO', PHONE: 'PUH', VIDEO: 'VID', HOME_VISIT: 'KOTI' };
const VISIT: Record<string, string> = { BOOKED: 'VARATTU', COMPLETED: 'TOTEUTUNUT', CANCELLED: 'PERUTTU', NO_SHOW: 'EIS' };
const PLAN: Record<string, string> = { HEALTH_AND_CARE_PLAN: 'TERVEYS_JA_HOITO', REHABILITATION_PLAN: 'KUNTOUTUS' };
const FEE: Record<string, string> = { OPEN: 'AVOIN', PAID: 'MAKSETTU', VOIDED: 'MITATOITY' };

function code(table: Record<string, string>, value: string): string {
  const c = table[value];
  if (c === undefined) throw new Error(`no wire code for ${value}`);
  return c;
}

/** `YYYY-MM-DD` in the version's date form: MR2020 as is, V2015 `D.M.YYYY`. */
function wireDate(version: LifecareVersion, iso: string): string {
  if (version === 'MR2020') return iso;
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}.${m}.${y}`;
}

/** Helsinki wall-clock parts of an instant, by Intl (not the project's own time code). */
const HELSINKI = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Helsinki',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
function helsinkiLocal(instant: string): { date: string; y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(HELSINKI.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const [y, mo, d, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  return { date: `${parts['year']}-${parts['month']}-${parts['day']}`, y: y!, mo: mo!, d: d!, h: h!, mi: mi!, s: s! };
}

/** `Alkuaika`: MR2020 `YYYY-MM-DDThh:mm:ss`, V2015 `D.M.YYYY h:mm`, Helsinki local time. */
function wireTime(version: LifecareVersion, instant: string): string {
  const t = helsinkiLocal(instant);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  if (version === 'MR2020') return `${t.date}T${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
  if (t.s !== 0) throw new Error('V2015 times have no seconds');
  return `${t.d}.${t.mo}.${t.y} ${t.h}:${p2(t.mi)}`;
}

/** Euros with a decimal comma: 2060 → `20,60`. */
function wireSum(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** `Potilas` of the version, in the spec's order. */
function potilas(version: LifecareVersion, p: SourcePerson): Wire {
  const w: Wire = { PotilasId: p.source.localId, Hetu: p.hetu };
  if (version === 'MR2020') {
    w['Sukunimi'] = p.surname;
    w['Etunimet'] = p.firstNames;
    if (p.callName !== undefined) w['Kutsumanimi'] = p.callName;
  } else {
    w['Nimi'] = `${p.surname.toUpperCase()} ${p.firstNames}`;
  }
  w['Syntymaaika'] = wireDate(version, p.birthDate!);
  w['Sukupuoli'] = p.sex === 'MALE' ? '1' : '2';
  w['Kotikunta'] = p.municipality;
  w['Aidinkieli'] = p.language;
  if (version === 'MR2020') w['Asiointikieli'] = p.serviceLanguage;
  if (p.address) w['Osoite'] = { Lahiosoite: p.address.street, Postinumero: p.address.postalCode, Postitoimipaikka: p.address.city };
  if (p.phone !== undefined) w['Puhelin'] = p.phone;
  w['Turvakielto'] = version === 'MR2020' ? String(p.turvakielto) : p.turvakielto ? '1' : '0';
  if (p.deathDate !== undefined) w['Kuolinpaiva'] = wireDate(version, p.deathDate);
  return w;
}

function kaynti(version: LifecareVersion, hetu: string, a: Appointment): Wire {
  const w: Wire = {
    KayntiId: a.source.localId,
    Hetu: hetu,
    Palvelualue: code(CARE_AREA, a.careArea),
    Kayntityyppi: code(KIND, a.professionalKind!),
    Yhteystapa: code(MODE, a.contactMode!),
    Alkuaika: wireTime(version, a.start),
    KestoMin: String(a.durationMinutes),
    Yksikko: { ...(a.unit.oid !== undefined && { Tunnus: a.unit.oid }), Nimi: a.unit.name },
  };
  if (a.professional)
    w['Ammattilainen'] = { Nimi: a.professional.name, ...(a.professional.title !== undefined && { Nimike: a.professional.title }) };
  w['Tila'] = code(VISIT, a.status);
  return w;
}

function suunnitelma(version: LifecareVersion, hetu: string, p: Plan): Wire {
  return {
    SuunnitelmaId: p.source.localId,
    Tyyppi: code(PLAN, p.type),
    Otsikko: p.title,
    Alkaa: wireDate(version, p.startDate),
    ...(p.endDate !== undefined && { Paattyy: wireDate(version, p.endDate) }),
    Vastuuhenkilo: p.responsible,
    Hetu: hetu,
  };
}

function maksu(version: LifecareVersion, hetu: string, f: Fee): Wire {
  return {
    LaskuId: f.source.localId,
    Hetu: hetu,
    Paivays: wireDate(version, f.date),
    Selite: f.description,
    Summa: wireSum(f.amountCents),
    Maksukattoon: f.accruesToCeiling ? 'K' : 'E',
    Tila: code(FEE, f.status),
  };
}

// ---------------------------------------------------------------------------
// The data: truth files and the fixture's `Muutettu` (HaeMuuttuneet).

interface InstanceData {
  readonly id: InstanceId;
  readonly version: LifecareVersion;
  readonly truth: readonly SourceRecords[];
  readonly byHetu: ReadonlyMap<string, SourceRecords>;
  /** Every `Potilas` of potilaat.xml: its code and `Muutettu`, in file order. */
  readonly changed: readonly { readonly hetu: string; readonly muutettu: string | undefined }[];
}

function loadInstance(id: InstanceId): InstanceData {
  const version = instanceOf(id).version!;
  const truth = readFileSync(join(FIXTURES, 'truth', `${id}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SourceRecords);
  const potilaat = readFileSync(join(FIXTURES, id, 'potilaat.xml'), 'utf8');
  const changed = [...potilaat.matchAll(/<Potilas>([\s\S]*?)<\/Potilas>/g)].map((m) => ({
    hetu: /<Hetu>([^<]*)<\/Hetu>/.exec(m[1]!)![1]!,
    muutettu: /<Muutettu>([^<]*)<\/Muutettu>/.exec(m[1]!)?.[1],
  }));
  return { id, version, truth, byHetu: new Map(truth.map((t) => [t.hetu, t])), changed };
}

/** The date (`YYYY-MM-DD`) of a request's `Alkaen`/`Asti` in the version's form; a wrong form is a fault. */
function requestDate(version: LifecareVersion, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (version === 'MR2020') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw fault('SISAINEN_VIRHE');
    return s;
  }
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (!m) throw fault('SISAINEN_VIRHE');
  return `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
}

const FAULTCODES = {
  POTILAS_EI_LOYDY: 'soap:Client',
  VIRHEELLINEN_HETU: 'soap:Client',
  PALVELU_KIIREINEN: 'soap:Server',
  SISAINEN_VIRHE: 'soap:Server',
} as const;
type Koodi = keyof typeof FAULTCODES;

/** A fault as `soap`'s server takes one (SOAP 1.1 style; HTTP 500 as SOAP 1.1 over HTTP asks, unless told). */
function fault(koodi: Koodi, statusCode: number | undefined = 500): { Fault: Record<string, unknown> } {
  return {
    Fault: {
      faultcode: FAULTCODES[koodi],
      faultstring: `Virhe ${koodi}`,
      detail: { Virhe: { Koodi: koodi } },
      ...(statusCode !== undefined && { statusCode }),
    },
  };
}

/** What the oracle's service holds for a code, or the fault its `Hetu` draws. */
function patientOf(data: InstanceData, args: Wire, faults: ReadonlyMap<string, () => never>): SourceRecords {
  const hetu = String(args['Hetu'] ?? '');
  faults.get(hetu)?.();
  if (!checkHetu(hetu).ok) throw fault('VIRHEELLINEN_HETU');
  const t = overrides.get(`${data.id} ${hetu}`) ?? data.byHetu.get(hetu);
  if (!t?.person) throw fault('POTILAS_EI_LOYDY');
  return t;
}

/**
 * `soap`'s service for one instance, answering from the truth. `faults`:
 * codes whose every call throws (the fault tests).
 */
function services(data: InstanceData, faults: ReadonlyMap<string, () => never>): soap.IServices {
  const v = data.version;
  return {
    PotilasPalvelu: {
      PotilasPalveluPort: {
        HaePotilas: (args: Wire) => ({ Potilas: potilas(v, patientOf(data, args, faults).person!) }),
        HaeKaynnit: (args: Wire) => {
          const t = patientOf(data, args, faults);
          const from = requestDate(v, args['Alkaen']);
          const to = requestDate(v, args['Asti']);
          const kept = t.appointments.filter((a) => {
            const day = helsinkiLocal(a.start).date;
            return (from === undefined || day >= from) && (to === undefined || day <= to);
          });
          return { Kaynti: kept.map((a) => kaynti(v, t.hetu, a)) };
        },
        HaeSuunnitelmat: (args: Wire) => {
          const t = patientOf(data, args, faults);
          return { Suunnitelma: t.plans.map((p) => suunnitelma(v, t.hetu, p)) };
        },
        HaeMaksut: (args: Wire) => {
          const t = patientOf(data, args, faults);
          const year = String(args['Vuosi']);
          return { Maksu: t.fees.filter((f) => f.date.startsWith(`${year}-`)).map((f) => maksu(v, t.hetu, f)) };
        },
        HaeMuuttuneet: (args: Wire) => {
          const since = String(args['MuuttunutJalkeen']);
          const page = Number(args['Sivu']);
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(since) || !(page >= 1)) throw fault('SISAINEN_VIRHE');
          // Local times of one form compare as text; no fixture time falls in an autumn's repeated hour.
          const after = data.changed
            .map((c, i) => ({ ...c, i }))
            .filter((c) => c.muutettu === undefined || c.muutettu > since)
            .sort((a, b) => (a.muutettu ?? '\uffff').localeCompare(b.muutettu ?? '\uffff') || a.i - b.i);
          return {
            Hetu: after.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((c) => c.hetu),
            Sivuja: String(Math.ceil(after.length / PAGE_SIZE)),
          };
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------

interface Running {
  readonly data: InstanceData;
  readonly emulator: RunningEmulator;
  readonly oracle: SoapOracleServer;
  /** The same service in soap's other form (`SOAP-ENV:` envelope, `<X />` empty elements, not chunked). */
  readonly oracleOther: SoapOracleServer;
  readonly viaEmulator: SourceAdapter;
  readonly viaOracle: SourceAdapter;
  readonly viaOracleOther: SourceAdapter;
}

const running = new Map<InstanceId, Running>();
/** Codes whose calls `soap`'s server answers with a fault, and the fault. */
const faultCodes = new Map<string, () => never>();
/** Records the oracle's service holds instead of the truth's (`{instance} {hetu}`): the generated texts. */
const overrides = new Map<string, SourceRecords>();
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lifecare-soap-oracle-'));
  await Promise.all(
    INSTANCES.map(async (id) => {
      const data = loadInstance(id);
      const emulator = await startLifecareEmulator({ instance: id, fixturesDir: FIXTURES });
      const path = `/lifecare/${id}/PotilasPalvelu`;
      const wsdl = (location: string): string => lifecareWsdl(data.version, location);
      const oracle = await listenSoap(path, services(data, faultCodes), wsdl);
      const oracleOther = await listenSoap(path, services(data, faultCodes), wsdl, OTHER_FORM);
      const config = { instance: id, timeoutMs: 10_000, clock: CLOCK };
      const viaEmulator = await createLifecareAdapter({ ...config, address: emulator.address });
      const viaOracle = await createLifecareAdapter({ ...config, address: oracle.address });
      const viaOracleOther = await createLifecareAdapter({ ...config, address: oracleOther.address });
      running.set(id, { data, emulator, oracle, oracleOther, viaEmulator, viaOracle, viaOracleOther });
    }),
  );
});

afterAll(async () => {
  for (const r of running.values()) {
    await r.viaEmulator.close();
    await r.viaOracle.close();
    await r.viaOracleOther.close();
    await r.emulator.close();
    await r.oracle.close();
    await r.oracleOther.close();
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Lists in a stable order (by local id): the comparison is of records, not of the order a service lists them in. */
function sorted(r: SourceRecords): SourceRecords {
  const by = <T extends { source: { localId: string } }>(xs: readonly T[]): T[] =>
    [...xs].sort((a, b) => a.source.localId.localeCompare(b.source.localId, 'en', { numeric: true }));
  return { ...r, plans: by(r.plans), appointments: by(r.appointments), fees: by(r.fees) };
}

function records(slot: PersonSlot | undefined, where: string): SourceRecords {
  if (slot === undefined) throw new Error(`${where}: no slot`);
  if (slot instanceof AdapterError) throw new Error(`${where}: ${slot.code} ${slot.message}`);
  expect(slot.issues, where).toEqual([]);
  return sorted(slot.records);
}

describe.each(INSTANCES)('%s: direction A, our adapter against soap’s server', (id) => {
  it('reads every fixture person from soap’s server exactly as from our emulator, and as the truth', async () => {
    const r = running.get(id)!;
    const rng = random(SEED);
    // A seeded appointment window for a part of the persons (the request's Alkaen/Asti in the version's date form).
    const hetus = rng.sample(r.data.truth, A_PERSONS).map((t) => t.hetu);
    const windowed = new Set(rng.sample(hetus, Math.ceil(hetus.length / 4)));
    const from = `${rng.int(2023, 2025)}-${String(rng.int(1, 12)).padStart(2, '0')}-01`;
    const to = `${rng.int(2026, 2027)}-${String(rng.int(1, 12)).padStart(2, '0')}-15`;
    const plain = hetus.filter((h) => !windowed.has(h));
    const window = [...windowed];
    // Unknown synthetic codes (individual number 900–999): no such patient on either side.
    const unknown = Array.from({ length: 5 }, (_, i) => makeHetu(`19${50 + i}-0${(i % 9) + 1}-1${i}`, 990 + i)).filter(
      (h) => !r.data.byHetu.has(h),
    );
    // The fixtures' fee years (2024–2026) and one with none.
    const years = { feeYears: [2023, 2024, 2025, 2026] };
    const runs = [
      { hetus: [...plain, ...unknown], options: years },
      { hetus: window, options: { ...years, appointmentsFrom: from, appointmentsTo: to } },
    ];
    let compared = 0;
    for (const { hetus: batch, options } of runs) {
      // soap's other form for a seeded part of the batch (the whole of it would double the file's time).
      const other = new Set(rng.sample(batch, OTHER_FORM_PERSONS));
      const otherBatch = batch.filter((h) => other.has(h));
      const [a, b, c] = await Promise.all([
        r.viaOracle.readPersons(batch, options),
        r.viaEmulator.readPersons(batch, options),
        r.viaOracleOther.readPersons(otherBatch, options),
      ]);
      const fromOther = new Map(otherBatch.map((h, i) => [h, c[i]]));
      batch.forEach((hetu, i) => {
        const where = `${id} ${hetu} (${describeCase(SEED, i, options === years ? 'all appointments' : `appointments ${from}..${to}`)})`;
        const fromOracle = records(a[i], `${where}, soap server`);
        expect(fromOracle, where).toEqual(records(b[i], `${where}, our emulator`));
        if (fromOther.has(hetu)) expect(records(fromOther.get(hetu), `${where}, soap server in its other form`), where).toEqual(fromOracle);
        const truth = r.data.byHetu.get(hetu);
        if (truth === undefined) {
          expect(fromOracle.person, where).toBeUndefined();
          return;
        }
        const inWindow = (x: Appointment): boolean =>
          !('appointmentsFrom' in options) || (helsinkiLocal(x.start).date >= from && helsinkiLocal(x.start).date <= to);
        expect(fromOracle, where).toEqual(sorted({ ...truth, appointments: truth.appointments.filter(inWindow) }));
        compared++;
      });
    }
    expect(compared).toBe(Math.min(A_PERSONS, r.data.truth.length));
  });

  it('lists the changed patients from soap’s server as from our emulator', async () => {
    const r = running.get(id)!;
    const rng = random(SEED + 1);
    const moments = [
      '1900-01-01T00:00:00+02:00',
      ...Array.from(
        { length: 4 },
        () => `${rng.int(2023, 2026)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}T12:00:00+02:00`,
      ),
    ];
    for (const since of moments) {
      const [a, b, c] = await Promise.all([
        collectChanged(r.viaOracle.listChanged(since)),
        collectChanged(r.viaEmulator.listChanged(since)),
        collectChanged(r.viaOracleOther.listChanged(since)),
      ]);
      expect(a, `${id} since ${since}`).toEqual(b);
      expect(c, `${id} since ${since}, soap's other form`).toEqual(b);
      expect(a.persons.length, `${id} since ${since}`).toBeLessThanOrEqual(r.data.changed.length);
    }
  });
});

// ---------------------------------------------------------------------------
// Generated texts: what soap escapes, our readers unescape.

/**
 * Pieces of generated text: XML's specials (soap escapes them, `&amp;` as text
 * too), quotes, `]]>`, Finnish and Swedish letters, combining marks,
 * astral characters, inner white space (no text starts or ends with white
 * space: the service's texts are trimmed, lifecare.md has no padded values).
 */
const PIECES = [
  'a',
  'Ö',
  'å',
  'é',
  'ß',
  ' ',
  '  ',
  '\t',
  '\n',
  '&',
  '<',
  '>',
  '"',
  "'",
  ';',
  '-',
  '/',
  '#',
  '&amp;',
  '&#38;',
  ']]>',
  '<!--',
  '😀',
  '𝔘',
  '漢',
  'e\u0301',
  '\u00a0x',
];

const generatedText = (rng: Random): string => textOf(rng, PIECES);

/** The records with generated texts in every free-text field the version maps as written (V2015's `Nimi` is split and re-cased: left alone). */
function withGeneratedTexts(rng: Random, version: LifecareVersion, t: SourceRecords): SourceRecords {
  const p = t.person!;
  const g = (): string => generatedText(rng);
  const person: SourcePerson = {
    ...p,
    ...(version === 'MR2020' && { surname: g(), firstNames: g(), ...(p.callName !== undefined && { callName: g() }) }),
    ...(p.address && { address: { street: g(), postalCode: p.address.postalCode, city: g() } }),
    ...(p.phone !== undefined && { phone: g() }),
  };
  return {
    ...t,
    person,
    appointments: t.appointments.map((a) => ({
      ...a,
      unit: { ...a.unit, name: g() },
      ...(a.professional && { professional: { name: g(), ...(a.professional.title !== undefined && { title: g() }) } }),
    })),
    plans: t.plans.map((x) => ({ ...x, title: g(), responsible: g() })),
    fees: t.fees.map((f) => ({ ...f, description: g() })),
  };
}

describe.each(INSTANCES)('%s: generated texts from soap’s server', (id) => {
  it('are read back by our adapter exactly as soap was given them', async () => {
    const r = running.get(id)!;
    let cases = 0;
    for (const [round, adapter] of [r.viaOracle, r.viaOracleOther].entries()) {
      const persons = random(SEED + 10 + round).sample(r.data.truth, TEXT_PERSONS);
      const expected = persons.map((t, i) => withGeneratedTexts(caseRandom(SEED + 10 + round, i), r.data.version, t));
      for (const e of expected) overrides.set(`${id} ${e.hetu}`, e);
      try {
        const slots = await adapter.readPersons(
          expected.map((e) => e.hetu),
          { feeYears: [2024, 2025, 2026] },
        );
        slots.forEach((slot, i) => {
          const where = `${id} ${expected[i]!.hetu} (${describeCase(SEED + 10 + round, i, round === 0 ? 'soap’s default form' : 'soap’s other form')})`;
          expect(records(slot, where), where).toEqual(sorted(expected[i]!));
          cases++;
        });
      } finally {
        for (const e of expected) overrides.delete(`${id} ${e.hetu}`);
      }
    }
    expect(cases).toBeGreaterThan(0);
  });
});

describe('faults from soap’s server, read by our adapter (lifecare.md: Faults)', () => {
  const cases: { koodi: Koodi; statusCode?: number; expected: string | 'notFound' }[] = [
    { koodi: 'POTILAS_EI_LOYDY', expected: 'notFound' },
    { koodi: 'VIRHEELLINEN_HETU', expected: 'INVALID_IDENTITY_CODE' },
    { koodi: 'PALVELU_KIIREINEN', expected: 'SOURCE_UNAVAILABLE' },
    { koodi: 'SISAINEN_VIRHE', expected: 'SOURCE_ERROR' },
    // soap's server sends a fault with HTTP 200 unless told its status: the fault decides, not the status.
    { koodi: 'PALVELU_KIIREINEN', statusCode: 200, expected: 'SOURCE_UNAVAILABLE' },
    { koodi: 'VIRHEELLINEN_HETU', statusCode: 200, expected: 'INVALID_IDENTITY_CODE' },
  ];
  it.each(INSTANCES)('%s: each Koodi as its error', async (id) => {
    const r = running.get(id)!;
    const rng = caseRandom(SEED, 1000);
    for (const [i, c] of cases.entries()) {
      const hetu = r.data.truth[rng.int(0, r.data.truth.length - 1)]!.hetu;
      faultCodes.set(hetu, () => {
        throw fault(c.koodi, c.statusCode);
      });
      try {
        for (const [form, adapter] of [
          ['default form', r.viaOracle],
          ['other form', r.viaOracleOther],
        ] as const) {
          const [slot] = await adapter.readPersons([hetu], { feeYears: [2026] });
          const where = `${id} ${c.koodi} HTTP ${c.statusCode ?? 500}, ${form} (${describeCase(SEED, i)})`;
          if (c.expected === 'notFound') {
            expect(slot instanceof AdapterError, where).toBe(false);
            expect((slot as Exclude<PersonSlot, AdapterError>).records.person, where).toBeUndefined();
          } else {
            expect(slot, where).toBeInstanceOf(AdapterError);
            expect((slot as AdapterError).code, where).toBe(c.expected);
          }
        }
      } finally {
        faultCodes.delete(hetu);
      }
    }
  });

  it('a service error soap’s server words itself (no Koodi) is SOURCE_ERROR', async () => {
    const r = running.get('lifecare-porvoo')!;
    const hetu = r.data.truth[0]!.hetu;
    faultCodes.set(hetu, () => {
      throw new Error('tietokanta ei vastaa');
    });
    try {
      for (const adapter of [r.viaOracle, r.viaOracleOther]) {
        const [slot] = await adapter.readPersons([hetu], { feeYears: [2026] });
        expect(slot).toBeInstanceOf(AdapterError);
        expect((slot as AdapterError).code).toBe('SOURCE_ERROR');
      }
    } finally {
      faultCodes.delete(hetu);
    }
  });
});

// ---------------------------------------------------------------------------
// Direction B: soap's client against our emulator.

type Call = (args: Wire, options?: object) => Promise<[unknown, string]>;
function operation(client: soap.Client, name: string): Call {
  const fn = (client as unknown as Record<string, Call>)[`${name}Async`];
  if (typeof fn !== 'function') throw new Error(`the WSDL offers no ${name}`);
  return (args, options) => fn.call(client, args, { ...LOOPBACK_ONLY, ...options });
}

/** Items of a list answer as soap parsed them, normalised, in id order. */
function items(result: unknown, element: string, id: string): unknown[] {
  const xs = list((result as Wire | null)?.[element]).map(normalise) as Wire[];
  return xs.sort((a, b) => Number(a[id]) - Number(b[id]));
}

function byId<T extends { source: { localId: string } }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => Number(a.source.localId) - Number(b.source.localId));
}

describe.each(INSTANCES)('%s: direction B, soap’s client against our emulator', (id) => {
  let client: soap.Client;
  /** A second client writing its envelopes with the `soapenv:` prefix (our clients write `soap:`). */
  let clientOther: soap.Client;
  beforeAll(async () => {
    const url = `${running.get(id)!.emulator.address}/lifecare/${id}/PotilasPalvelu?wsdl`;
    client = await soapClient(url);
    clientOther = await soapClient(url, { envelopeKey: 'soapenv' });
  });

  it('reads the version from the WSDL’s namespace: the one the spec names for the instance', () => {
    const version = instanceOf(id).version!;
    expect((client.wsdl.definitions as unknown as { $targetNamespace: string }).$targetNamespace).toBe(NAMESPACES[version]);
    expect(Object.keys(client.describe()['PotilasPalvelu']['PotilasPalveluPort']).sort()).toEqual(
      ['HaeKaynnit', 'HaeMaksut', 'HaeMuuttuneet', 'HaePotilas', 'HaeSuunnitelmat'].sort(),
    );
  });

  it('parses every operation’s answer as the truth says, field by field, for a seeded sample', async () => {
    const r = running.get(id)!;
    const v = r.data.version;
    const sample = random(SEED + 2).sample(r.data.truth, B_PERSONS);
    const clientDefault = client;
    for (const [i, t] of sample.entries()) {
      const rng = caseRandom(SEED, i);
      const client = rng.chance(0.5) ? clientOther : clientDefault;
      const where = `${id} ${t.hetu} (${describeCase(SEED, i, client === clientOther ? 'soapenv: envelopes' : 'soap: envelopes')})`;
      const [p, raw] = await operation(client, 'HaePotilas')({ Hetu: t.hetu });
      // The answer's payload is in the version's namespace (default or prefixed, as soap wrote it: read as soap read it).
      expect(raw, where).toContain(NAMESPACES[v]);
      expect(normalise((p as Wire)['Potilas']), where).toEqual(potilas(v, t.person!));

      const windowed = rng.chance(0.5);
      const from = `${rng.int(2023, 2026)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      const to = `${rng.int(2026, 2027)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      const kArgs: Wire = { Hetu: t.hetu, ...(windowed && { Alkaen: wireDate(v, from), Asti: wireDate(v, to) }) };
      const [k] = await operation(client, 'HaeKaynnit')(kArgs);
      const expectedVisits = byId(t.appointments)
        .filter((a) => !windowed || (helsinkiLocal(a.start).date >= from && helsinkiLocal(a.start).date <= to))
        .map((a) => kaynti(v, t.hetu, a));
      expect(items(k, 'Kaynti', 'KayntiId'), `${where} HaeKaynnit ${windowed ? `${from}..${to}` : 'all'}`).toEqual(expectedVisits);

      const [s] = await operation(client, 'HaeSuunnitelmat')({ Hetu: t.hetu });
      expect(items(s, 'Suunnitelma', 'SuunnitelmaId'), where).toEqual(byId(t.plans).map((x) => suunnitelma(v, t.hetu, x)));

      const years = [...new Set(t.fees.map((f) => Number(f.date.slice(0, 4))))];
      const year = years.length > 0 && rng.chance(0.8) ? rng.pick(years) : rng.int(2019, 2027);
      const [m] = await operation(client, 'HaeMaksut')({ Hetu: t.hetu, Vuosi: year });
      const expectedFees = byId(t.fees.filter((f) => f.date.startsWith(`${year}-`))).map((f) => maksu(v, t.hetu, f));
      expect(items(m, 'Maksu', 'LaskuId'), `${where} HaeMaksut ${year}`).toEqual(expectedFees);
    }
  });

  it('HaeMuuttuneet: the codes and page count soap parses are the fixture’s, in Muutettu order', async () => {
    const r = running.get(id)!;
    const rng = random(SEED + 3);
    const moments = [
      '1900-01-01T00:00:00',
      ...Array.from({ length: 4 }, () => `${rng.int(2023, 2026)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}T12:00:00`),
    ];
    for (const since of moments) {
      const [res] = await operation(client, 'HaeMuuttuneet')({ MuuttunutJalkeen: since, Sivu: 1 });
      const expected = r.data.changed
        .map((c, i) => ({ ...c, i }))
        .filter((c) => c.muutettu === undefined || c.muutettu > since)
        .sort((a, b) => (a.muutettu ?? '\uffff').localeCompare(b.muutettu ?? '\uffff') || a.i - b.i)
        .map((c) => c.hetu);
      const got = normalise(res) as Wire;
      expect(list(got['Hetu']), `${id} since ${since}`).toEqual(expected.slice(0, PAGE_SIZE));
      expect(got['Sivuja'], `${id} since ${since}`).toBe(String(Math.ceil(expected.length / PAGE_SIZE)));
    }
  });

  it('faults: soap reads our emulator’s faults with faultcode and detail/Virhe/Koodi', async () => {
    const r = running.get(id)!;
    const unknown = makeHetu('1951-04-03', 987);
    expect(r.data.byHetu.has(unknown)).toBe(false);
    for (const [hetu, koodi] of [
      [unknown, 'POTILAS_EI_LOYDY'],
      ['131052-908X', 'VIRHEELLINEN_HETU'],
    ] as const) {
      const err = await operation(
        client,
        'HaePotilas',
      )({ Hetu: hetu }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const f = soapFault(err);
      expect(f, `${id} ${koodi}`).toBeDefined();
      expect(f!.faultcode).toBe(FAULTCODES[koodi]);
      expect(normalise(f!.detail)).toEqual({ Virhe: { Koodi: koodi } });
      expect((err as { response?: { status?: number } }).response?.status).toBe(500);
    }
  });

  it('namespaces: a client of the other version is refused (its request names the other namespace)', async () => {
    const r = running.get(id)!;
    const other: LifecareVersion = r.data.version === 'MR2020' ? 'V2015' : 'MR2020';
    const endpoint = `${r.emulator.address}/lifecare/${id}/PotilasPalvelu`;
    const file = join(tmp, `${id}-${other}.wsdl`);
    writeFileSync(file, lifecareWsdl(other, endpoint));
    const wrong = await soapClient(file, { endpoint });
    const err = await operation(
      wrong,
      'HaePotilas',
    )({ Hetu: r.data.truth[0]!.hetu }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const f = soapFault(err);
    expect(f?.faultcode).toBe('soap:Server');
    expect(normalise(f?.detail)).toEqual({ Virhe: { Koodi: 'SISAINEN_VIRHE' } });
  });
});
