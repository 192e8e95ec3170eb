/**
 * The organisation register's units (OID → Finnish and Swedish name). The
 * sources name a unit in one language only; the register names it in both,
 * so the region can serve units in Finnish and Swedish.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegisteredUnitNames {
  readonly nameFi: string;
  readonly nameSv: string;
}

/** Unit names by OID. */
export type UnitRegister = ReadonlyMap<string, RegisteredUnitNames>;

/** Where a region directory keeps the register extract. */
export const UNIT_REGISTER_FILE = join('organisations', 'units.tsv');

/**
 * Parses the register extract (UTF-8, tab-separated, header
 * `OID NAME_FI NAME_SV MUNICIPALITY`). Lines that do not fit are skipped:
 * a unit the register does not name just has no register names.
 */
export function parseUnitRegister(text: string): UnitRegister {
  const units = new Map<string, RegisteredUnitNames>();
  const lines = text.split(/\r?\n/);
  for (const line of lines.slice(1)) {
    const [oid, nameFi, nameSv] = line.split('\t');
    if (oid && nameFi && nameSv && /^\d+(\.\d+)+$/.test(oid)) units.set(oid, { nameFi, nameSv });
  }
  return units;
}

/** A unit name as the by-name lookup compares it: trimmed, whitespace collapsed, lower-case. */
export function normaliseUnitName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi');
}

/** A registered unit found by name: its OID and both names. */
export interface RegisteredUnit extends RegisteredUnitNames {
  readonly oid: string;
}

/** Each register's Finnish-name index, built on first use (a register is read once and never changed). */
const byNameIndexes = new WeakMap<UnitRegister, ReadonlyMap<string, RegisteredUnit | null>>();

function byNameIndex(register: UnitRegister): ReadonlyMap<string, RegisteredUnit | null> {
  let index = byNameIndexes.get(register);
  if (!index) {
    const built = new Map<string, RegisteredUnit | null>();
    for (const [oid, names] of register) {
      const key = normaliseUnitName(names.nameFi);
      // Two units of one Finnish name: the name says neither, so it finds none.
      built.set(key, built.has(key) ? null : { oid, ...names });
    }
    byNameIndexes.set(register, (index = built));
  }
  return index;
}

/**
 * The registered unit whose Finnish name is `name` (normalised: trimmed,
 * whitespace collapsed, case-insensitive), for sources that name a unit
 * without its OID (the social care systems' customerships). Undefined when
 * no unit, or more than one, has that name.
 */
export function unitByName(register: UnitRegister, name: string): RegisteredUnit | undefined {
  return byNameIndex(register).get(normaliseUnitName(name)) ?? undefined;
}

/** Reads `{regionDir}/organisations/units.tsv`; an empty register when the directory has none. */
export function loadUnitRegister(regionDir: string): UnitRegister {
  const path = join(regionDir, UNIT_REGISTER_FILE);
  return existsSync(path) ? parseUnitRegister(readFileSync(path, 'utf8')) : new Map();
}
