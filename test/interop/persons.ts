/**
 * Picks the persons of the end-to-end queries from a fixtures directory's
 * truth (`truth/{instance}.jsonl`, `truth/vtj.jsonl`), so the interop test
 * follows regenerated fixtures instead of hard-coding identity codes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHetu } from '../../domain/hetu.ts';

interface TruthItem {
  readonly source: { readonly municipality: string };
  readonly date?: string;
  readonly start?: string;
  readonly status?: string;
}

interface TruthRecords {
  readonly hetu: string;
  readonly appointments: readonly TruthItem[];
  readonly fees: readonly TruthItem[];
  readonly customerships: readonly TruthItem[];
  readonly decisions: readonly TruthItem[];
  readonly plans: readonly TruthItem[];
  readonly consents: readonly TruthItem[];
}

interface TruthVtj {
  readonly hetu: string;
  readonly guardians: readonly string[];
  readonly dependants: readonly string[];
}

export interface InteropPersons {
  /** The fee year: the year of the fixtures' `today`. */
  readonly year: number;
  /** Records in two or more municipalities, fees in `year` and booked appointments after `today`; the most items of any such person. */
  readonly twoMunicipalities: string;
  /** Records in Lapinjärvi (407), served from Loviisa's instances. */
  readonly lapinjarvi: string;
  /** Records in Myrskylä (504), served from the phhyky instances. */
  readonly myrskyla: string;
  /** Listed first as guardian of a dependant who has fees in `year`, and has fees of their own. */
  readonly firstGuardian: string;
  /** Known to VTJ and every source as nobody (a valid code). */
  readonly unknown: string;
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

const LISTS = ['appointments', 'fees', 'customerships', 'decisions', 'plans', 'consents'] as const;

/** Reads the truth once and picks each person; throws when the fixtures hold no such person. */
export function pickPersons(fixturesDir: string): InteropPersons {
  const truth = join(fixturesDir, 'truth');
  const { today } = JSON.parse(readFileSync(join(fixturesDir, 'manifest.json'), 'utf8')) as { today: string };
  const year = Number(today.slice(0, 4));

  const municipalities = new Map<string, Set<string>>();
  const items = new Map<string, number>();
  const feesInYear = new Map<string, number>();
  const upcoming = new Map<string, number>();
  for (const file of readdirSync(truth)
    .filter((f) => f.endsWith('.jsonl') && f !== 'vtj.jsonl')
    .sort()) {
    for (const r of jsonLines<TruthRecords>(join(truth, file))) {
      const ms = municipalities.get(r.hetu) ?? new Set<string>();
      for (const list of LISTS) for (const item of r[list]) ms.add(item.source.municipality);
      municipalities.set(r.hetu, ms);
      items.set(r.hetu, (items.get(r.hetu) ?? 0) + LISTS.reduce((n, l) => n + r[l].length, 0));
      feesInYear.set(r.hetu, (feesInYear.get(r.hetu) ?? 0) + r.fees.filter((f) => f.date?.startsWith(`${year}-`)).length);
      // A day's margin: "today" is a date, the appointments are instants.
      const booked = r.appointments.filter((a) => a.status === 'BOOKED' && (a.start ?? '') > `${today}T23:59`);
      upcoming.set(r.hetu, (upcoming.get(r.hetu) ?? 0) + booked.length);
    }
  }
  const vtj = jsonLines<TruthVtj>(join(truth, 'vtj.jsonl'));
  const known = new Set([...municipalities.keys(), ...vtj.map((p) => p.hetu)]);
  const byHetu = [...municipalities.keys()].sort();

  const pick = (what: string, ok: (hetu: string) => boolean, rank: (hetu: string) => number = () => 0): string => {
    const found = byHetu.filter(ok).sort((a, b) => rank(b) - rank(a))[0];
    if (!found) throw new Error(`expected the fixtures to hold ${what}, received none`);
    return found;
  };
  const inMunicipality = (code: string) => (h: string) => municipalities.get(h)!.has(code);
  const fees = (h: string): number => feesInYear.get(h) ?? 0;

  const firstGuardianOf = new Set(
    vtj
      .filter((p) => p.guardians.length > 0 && fees(p.hetu) > 0)
      .map((p) => p.guardians[0]!)
      .filter((g) => fees(g) > 0),
  );
  let unknown = '';
  for (let n = 999; n >= 900 && !unknown; n--) {
    const code = makeHetu('1931-07-15', n);
    if (!known.has(code)) unknown = code;
  }

  return {
    year,
    twoMunicipalities: pick(
      'a person with records in two municipalities',
      (h) => municipalities.get(h)!.size >= 2 && fees(h) > 0 && (upcoming.get(h) ?? 0) > 0,
      (h) => items.get(h)!,
    ),
    lapinjarvi: pick('a Lapinjärvi person', inMunicipality('407'), (h) => items.get(h)!),
    myrskyla: pick('a Myrskylä person', inMunicipality('504'), (h) => items.get(h)!),
    firstGuardian: pick('a first guardian of a dependant with fees', (h) => firstGuardianOf.has(h), fees),
    unknown,
  };
}
