/**
 * Linking ProConsona's legacy HETU values to persons (proconsona.md): lower
 * case and spaces are normalised; a code without its century sign links only
 * when exactly one population-register person fits (some century sign gives
 * a code the register knows, and its surname is the row's SUKUNIMI);
 * otherwise the row is unlinked and its data attached to no one. Pure: the
 * register's answers come in as a map.
 */
import { normaliseLegacyHetu } from '../../domain/index.ts';

/** What the population register said of candidate codes (code → surname or null), or why it could not be asked. */
export type DirectoryAnswer = ReadonlyMap<string, string | null> | 'none' | 'failed';

export type RowLink =
  /** Canonical already. */
  | { readonly kind: 'valid'; readonly hetu: string }
  /** Linked after a fix; `reason` names the fix (no code). */
  | { readonly kind: 'normalised'; readonly hetu: string; readonly reason: string }
  /** No single person fits; `candidates` are the codes it might have meant. */
  | { readonly kind: 'unlinked'; readonly candidates: readonly string[]; readonly reason: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The candidate codes of every sign-less value among `raws`, each once. */
export function signlessCandidates(raws: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const raw of raws) {
    const n = normaliseLegacyHetu(typeof raw === 'string' ? raw : null);
    if (n.kind === 'noCentury') for (const c of n.candidates) out.add(c);
  }
  return [...out];
}

/** Surnames compared the way a person would: case-insensitive, Unicode-normalised, trimmed. */
export function sameSurname(a: string, b: string): boolean {
  const norm = (s: string): string => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleUpperCase('fi-FI');
  return norm(a) === norm(b);
}

/** Decides which person (if any) a V_ASIAKAS row's HETU and SUKUNIMI link to. */
export function linkRow(rawHetu: unknown, surname: unknown, directory: DirectoryAnswer): RowLink {
  if (rawHetu !== null && rawHetu !== undefined && typeof rawHetu !== 'string') {
    return { kind: 'invalid', reason: 'expected HETU as text, received a value of another type' };
  }
  const n = normaliseLegacyHetu(rawHetu);
  switch (n.kind) {
    case 'valid':
      return { kind: 'valid', hetu: n.hetu };
    case 'missing':
      return { kind: 'missing' };
    case 'invalid':
      return { kind: 'invalid', reason: `expected HETU as a personal identity code, received one where ${n.reason}` };
    case 'normalised': {
      const what = n.fixes.map((f) => (f === 'case' ? 'in lower case' : 'with spaces')).join(' and ');
      return {
        kind: 'normalised',
        hetu: n.hetu,
        reason: `expected HETU in canonical form, received it ${what}; read it upper-cased without spaces`,
      };
    }
    case 'noCentury': {
      const base = 'expected HETU with a century sign, received one without it';
      if (directory === 'none') {
        return { kind: 'unlinked', candidates: n.candidates, reason: `${base}, and no population register is configured to restore it` };
      }
      if (directory === 'failed') {
        return { kind: 'unlinked', candidates: n.candidates, reason: `${base}, and the population register could not be asked` };
      }
      const known = n.candidates.filter((c) => typeof directory.get(c) === 'string');
      const fits = known.filter((c) => typeof surname === 'string' && sameSurname(directory.get(c)!, surname));
      if (fits.length === 1) {
        return {
          kind: 'normalised',
          hetu: fits[0]!,
          reason: `${base}; restored the sign of the one population-register person whose code and surname fit`,
        };
      }
      const why =
        fits.length > 1
          ? `${fits.length} population-register persons fit`
          : known.length === 0
            ? 'no population-register person has any code it could be'
            : 'no population-register person with a code it could be has the same surname';
      return { kind: 'unlinked', candidates: n.candidates, reason: `${base}, and ${why}, so it is attached to no one` };
    }
  }
}
