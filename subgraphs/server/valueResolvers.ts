/**
 * Resolvers shared by every subgraph that returns canonical items: the model
 * keeps a provenance's municipality as its code; the schema gives the
 * municipality with its Finnish and Swedish names. And the missing sources'
 * codes, kept as strings, as the schema's MissingSourceCode enum. Every
 * record type's `id` is its stable opaque id (ids.ts), from its type and provenance.
 */
import { municipality } from '../../domain/region.ts';
import type { Provenance } from '../../domain/model.ts';
import type { MissingSourceCode } from '../generated/regionResolvers.ts';
import type { MissingSource } from './context.ts';
import { recordId } from './ids.ts';

/** Every value of the schema's MissingSourceCode (the compiler checks the keys are exactly the enum's). */
const MISSING_SOURCE_CODES = {
  SOURCE_UNAVAILABLE: true,
  SOURCE_ERROR: true,
  MALFORMED_RESPONSE: true,
  INVALID_IDENTITY_CODE: true,
  NOT_CONFIGURED: true,
  SUBGRAPH_UNAVAILABLE: true,
  NOT_INDEXED: true,
} as const satisfies Record<MissingSourceCode, true>;

/**
 * A missing source's code as the enum: every code a whole read can fail with
 * is one of its values; any other (none today: e.g. a code a newer replica
 * stored) is SOURCE_ERROR, never a serialisation error that would hide the gap.
 */
export function missingSourceCode(code: string): MissingSourceCode {
  return Object.hasOwn(MISSING_SOURCE_CODES, code) ? (code as MissingSourceCode) : 'SOURCE_ERROR';
}

/** `MissingSource.code` (and the statistics' unavailable sources) of every subgraph that has it. */
export const missingSourceResolvers = {
  MissingSource: {
    code: (m: MissingSource) => missingSourceCode(m.code),
  },
};

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
  ...missingSourceResolvers,
};
