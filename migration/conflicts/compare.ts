/**
 * One source record's basic data against VTJ, the master (pure).
 *
 * What counts as a conflict:
 * - name: surname or first names differ, ignoring case, Unicode
 *   normalisation and runs of spaces (V2015 writes surnames in capitals);
 * - address: the source has an address and VTJ has none, or the postal code
 *   differs, or the street or the post town matches neither VTJ's Finnish nor
 *   its Swedish form (a Swedish speaker's record may use either);
 * - municipality: the source's municipality code is not VTJ's;
 * - language: both name one and they differ (a source that says "other" has none);
 * - turvakielto: the flags differ;
 * - death: the death dates differ, a source that says nothing counting as
 *   "alive", but only for products whose interface carries a death date
 *   (Lifecare `Kuolinpaiva`, Pegasos `PID-29`); Effica, Mediatri and
 *   ProConsona cannot say it, so saying nothing is no conflict there.
 * A value the source leaves out (unknown) is not compared, except for death.
 */
import type { Address, IsoDate, Product, SourcePerson, VtjPerson } from '../../domain/index.ts';

export const CONFLICT_KINDS = ['name', 'address', 'municipality', 'language', 'turvakielto', 'death'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

/** Products whose interface carries a date of death (specs: lifecare.md, pegasos.md). */
export const CARRIES_DEATH_DATE: Readonly<Record<Product, boolean>> = {
  lifecare: true,
  pegasos: true,
  effica: false,
  mediatri: false,
  proconsona: false,
  vtj: true,
};

export type ConflictValue =
  { readonly surname: string; readonly firstNames: string } | Address | NonNullable<VtjPerson['address']> | string | boolean | null;

export interface Difference {
  readonly kind: ConflictKind;
  /** What the source holds (null: nothing). */
  readonly source: ConflictValue;
  /** What VTJ holds (null: nothing). */
  readonly vtj: ConflictValue;
}

/** Text compared the way a person reads it. */
export function sameText(a: string, b: string): boolean {
  return norm(a) === norm(b);
}

function norm(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleUpperCase('fi-FI');
}

/** The differences between one source person and VTJ's record of the same code. */
export function compareWithVtj(person: SourcePerson, vtj: VtjPerson): Difference[] {
  const out: Difference[] = [];
  if (!sameText(person.surname, vtj.surname) || !sameText(person.firstNames, vtj.firstNames)) {
    out.push({
      kind: 'name',
      source: { surname: person.surname, firstNames: person.firstNames },
      vtj: { surname: vtj.surname, firstNames: vtj.firstNames },
    });
  }
  if (person.address && !sameAddress(person.address, vtj.address)) {
    out.push({ kind: 'address', source: person.address, vtj: vtj.address ?? null });
  }
  if (person.municipality !== undefined && person.municipality !== vtj.municipality?.code) {
    out.push({ kind: 'municipality', source: person.municipality, vtj: vtj.municipality?.code ?? null });
  }
  if (person.language !== undefined && vtj.language !== undefined && person.language.toLowerCase() !== vtj.language.toLowerCase()) {
    out.push({ kind: 'language', source: person.language, vtj: vtj.language });
  }
  if (person.turvakielto !== vtj.turvakielto) {
    out.push({ kind: 'turvakielto', source: person.turvakielto, vtj: vtj.turvakielto });
  }
  if (CARRIES_DEATH_DATE[person.source.product] && (person.deathDate ?? null) !== (vtj.deathDate ?? null)) {
    out.push({ kind: 'death', source: person.deathDate ?? null, vtj: (vtj.deathDate as IsoDate | undefined) ?? null });
  }
  return out;
}

function sameAddress(a: Address, v: VtjPerson['address']): boolean {
  if (!v) return false;
  const street = sameText(a.street, v.streetFi) || (v.streetSv !== undefined && sameText(a.street, v.streetSv));
  const city = sameText(a.city, v.cityFi) || (v.citySv !== undefined && sameText(a.city, v.citySv));
  return street && city && a.postalCode.trim() === v.postalCode.trim();
}
