/**
 * The adapters layer's error catalogue. Every error and record issue carries
 * one of these codes, the source instance and (for records) a position.
 * Messages say what was expected and what was received, in one sentence,
 * and never hold personal data (no identity codes, no names) or payload bodies.
 */
import type { InstanceId } from './region.ts';

export const ADAPTER_ERROR_CODES = {
  SOURCE_UNAVAILABLE: 'The source refused the connection, did not answer in time, or said it is overloaded or in maintenance.',
  SOURCE_ERROR: 'The source answered with an internal error of its own.',
  MALFORMED_RESPONSE: 'The source answered, but the response as a whole could not be read (framing, encoding or structure).',
  MALFORMED_RECORD: 'One record of a readable response could not be mapped; the rest is served.',
  INVALID_IDENTITY_CODE: 'An identity code, in a request or in a record, is not a valid personal identity code.',
  UNMAPPED_CODE: 'A source value maps to no canonical code; the item is served with that field empty.',
  UNLINKED_RECORD: 'A record whose legacy identity code links to no single person; its data is attached to no one.',
  NORMALISED_IDENTITY_CODE: 'A legacy identity code was read after normalisation (case, spaces, restored century sign).',
  MUNICIPALITY_OUTSIDE_INSTANCE: 'A shared instance names a municipality it does not serve; the record goes to its first municipality.',
} as const;

export type AdapterErrorCode = keyof typeof ADAPTER_ERROR_CODES;

/** A failure of a whole request to one source (or of one key of a batch). */
export class AdapterError extends Error {
  override readonly name = 'AdapterError';
  constructor(
    readonly code: AdapterErrorCode,
    readonly source: InstanceId,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A problem with one record that did not stop the rest being served.
 * `position` locates it in the source (`kaynnit.xml Kaynti #3`,
 * `HaeKaynnit response Kaynti[2]`, `V_ASIAKAS ASIAKAS_ID=12`, `line 14`).
 */
export interface RecordIssue {
  readonly code: AdapterErrorCode;
  readonly source: InstanceId;
  readonly position: string;
  readonly reason: string;
  /**
   * UNMAPPED_CODE only: the coded field (`PID-15`, `ajanvaraus.csv TYYPPI`)
   * and the source's value no rule maps, so a migration team can extend the
   * mapping. Code-list values are not personal data; never set for free text.
   */
  readonly unmapped?: { readonly field: string; readonly value: string };
  /**
   * Positions of the records that belong to the one reported and share its
   * fate (an unlinked client's customerships, decisions, plans, fees, consents).
   */
  readonly dependents?: readonly string[];
}

/** Builds a record issue. */
export function issue(
  code: AdapterErrorCode,
  source: InstanceId,
  position: string,
  reason: string,
  extra?: Pick<RecordIssue, 'unmapped' | 'dependents'>,
): RecordIssue {
  return { code, source, position, reason, ...extra };
}
