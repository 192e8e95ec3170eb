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

/** Reads `{regionDir}/organisations/units.tsv`; an empty register when the directory has none. */
export function loadUnitRegister(regionDir: string): UnitRegister {
  const path = join(regionDir, UNIT_REGISTER_FILE);
  return existsSync(path) ? parseUnitRegister(readFileSync(path, 'utf8')) : new Map();
}
