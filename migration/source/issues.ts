/**
 * Issues and read errors grouped by code and reason, each with every
 * position (the JSON gets them all; tables show the first few), and how a
 * person is named where personal data may not appear.
 */
import { AdapterError, type AdapterErrorCode } from '../../domain/index.ts';

/** Where one occurrence is. `hetu` goes to the JSON file only. */
export interface PositionRef {
  /** The source's position (`V_ASIAKAS ASIAKAS_ID=12`, `ajanvaraus.csv line 3`, …). */
  readonly position: string;
  /** The person it was read for, as shown in reports (`person 1042`, `listed person #17`). */
  readonly person?: string;
  readonly hetu?: string;
}

export interface IssueGroup {
  readonly code: AdapterErrorCode;
  readonly reason: string;
  count: number;
  readonly positions: PositionRef[];
}

/** Occurrences grouped by code and reason, in the order first seen. */
export class IssueGroups {
  private readonly groups = new Map<string, IssueGroup>();

  add(code: AdapterErrorCode, reason: string, ref: PositionRef): void {
    const key = `${code}\u0000${reason}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { code, reason, count: 0, positions: [] };
      this.groups.set(key, g);
    }
    g.count++;
    g.positions.push(ref);
  }

  /** Groups, most frequent first. */
  list(filter?: (g: IssueGroup) => boolean): IssueGroup[] {
    return [...this.groups.values()].filter((g) => filter?.(g) ?? true).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  }

  total(filter?: (g: IssueGroup) => boolean): number {
    return this.list(filter).reduce((n, g) => n + g.count, 0);
  }
}

const HETU_LIKE = /\d{6}\s*[-+A-FU-Y]?\s*\d{3}\s*[0-9A-Y]/i;

/**
 * How reports name a person without personal data: the source's local id,
 * unless the source keys persons by identity code (Effica, Mediatri) or
 * there is none; then the place in the listing.
 */
export function personLabel(localId: string | undefined, ordinal: number): string {
  if (localId === undefined || localId.trim() === '' || HETU_LIKE.test(localId)) return `listed person #${ordinal}`;
  return `person ${localId}`;
}

/** A position shown with its person: `person 1042 · ajanvaraus.csv line 3`. */
export function showPosition(ref: PositionRef): string {
  return ref.person ? `${ref.person} · ${ref.position}` : ref.position;
}

/** The first `n` positions of a group as one cell, with how many more the JSON holds. */
export function positionsCell(refs: readonly PositionRef[], n: number): string {
  const shown = refs.slice(0, n).map(showPosition).join('; ');
  return refs.length > n ? `${shown}; … ${refs.length - n} more in the JSON file` : shown;
}

/** An AdapterError's code and message, for grouping per-person read failures. */
export function errorReason(err: AdapterError): { code: AdapterErrorCode; reason: string } {
  return { code: err.code, reason: err.message };
}
