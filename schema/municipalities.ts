/**
 * The subgraphs of the region, derived from the region table: one subgraph
 * per municipality, plus `region` and `lists`. Everything municipality-shaped
 * in the schema (type names, subgraph names, @requires selections) is
 * generated from this one list, never hand-copied seven times.
 */
import { MUNICIPALITIES } from '../domain/region.ts';
import type { MunicipalityCode } from '../domain/region.ts';

/** One municipality as the schema names it. */
export interface SchemaMunicipality {
  readonly code: MunicipalityCode;
  readonly nameFi: string;
  readonly nameSv: string;
  /** The entity type holding this municipality's records of a person, e.g. `LapinjarviRecords`. */
  readonly typeName: string;
  /** The subgraph's name in the supergraph, e.g. `lapinjarvi`. */
  readonly subgraph: string;
  /** The (internal) field of Customer that references this municipality's records, e.g. `lapinjarviRecords`. */
  readonly customerField: string;
}

/** `Lapinjärvi` → `Lapinjarvi`: GraphQL names allow only ASCII letters. */
export function asciiName(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z0-9]/g, '');
}

/** The seven municipalities, in the region table's order. */
export const SCHEMA_MUNICIPALITIES: readonly SchemaMunicipality[] = MUNICIPALITIES.map((m) => {
  const ascii = asciiName(m.nameFi);
  return {
    code: m.code,
    nameFi: m.nameFi,
    nameSv: m.nameSv,
    typeName: `${ascii}Records`,
    subgraph: ascii.toLowerCase(),
    customerField: `${ascii.toLowerCase()}Records`,
  };
});

/** The municipality with this code; throws for a code outside the region (a programming error). */
export function schemaMunicipality(code: MunicipalityCode): SchemaMunicipality {
  const m = SCHEMA_MUNICIPALITIES.find((x) => x.code === code);
  if (!m) throw new RangeError(`Unknown municipality ${code}.`);
  return m;
}

/** The municipality whose records type has this name, or undefined. */
export function municipalityOfType(typeName: string): SchemaMunicipality | undefined {
  return SCHEMA_MUNICIPALITIES.find((x) => x.typeName === typeName);
}

/** Every subgraph's name: `region`, `lists`, then one per municipality. */
export const SUBGRAPH_NAMES: readonly string[] = ['region', 'lists', ...SCHEMA_MUNICIPALITIES.map((m) => m.subgraph)];
