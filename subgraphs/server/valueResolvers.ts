/**
 * Resolvers shared by every subgraph that returns canonical items: the model
 * keeps a provenance's municipality as its code; the schema gives the
 * municipality with its Finnish and Swedish names. Every record type's `id`
 * is its stable opaque id (ids.ts), from its type and provenance.
 */
import { municipality } from '../../domain/region.ts';
import type { Provenance } from '../../domain/model.ts';
import { recordId } from './ids.ts';

/** A municipality as the schema's `Municipality` type; an unknown code keeps the code as its names. */
export function municipalityObject(code: string): { code: string; nameFi: string; nameSv: string } {
  const m = municipality(code);
  return m ? { code: m.code, nameFi: m.nameFi, nameSv: m.nameSv } : { code, nameFi: code, nameSv: code };
}

/** The `id` resolver of a record type: recordId of the type and the record's provenance. */
function idOf(type: string): { id: (record: { readonly source: Provenance }) => string } {
  return { id: (record) => recordId(type, record.source) };
}

export const valueResolvers = {
  Provenance: {
    municipality: (p: Provenance) => municipalityObject(p.municipality),
  },
  Appointment: idOf('Appointment'),
  Customership: idOf('Customership'),
  Decision: idOf('Decision'),
  Plan: idOf('Plan'),
  Fee: idOf('Fee'),
  Consent: idOf('Consent'),
};
