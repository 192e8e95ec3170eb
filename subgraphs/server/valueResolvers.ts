/**
 * Resolvers shared by every subgraph that returns canonical items: the model
 * keeps a provenance's municipality as its code; the schema gives the
 * municipality with its Finnish and Swedish names.
 */
import { municipality } from '../../domain/region.ts';
import type { Provenance } from '../../domain/model.ts';

/** A municipality as the schema's `Municipality` type; an unknown code keeps the code as its names. */
export function municipalityObject(code: string): { code: string; nameFi: string; nameSv: string } {
  const m = municipality(code);
  return m ? { code: m.code, nameFi: m.nameFi, nameSv: m.nameSv } : { code, nameFi: code, nameSv: code };
}

export const valueResolvers = {
  Provenance: {
    municipality: (p: Provenance) => municipalityObject(p.municipality),
  },
};
