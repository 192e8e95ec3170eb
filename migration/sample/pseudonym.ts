/**
 * Pseudonyms for a sample: synthetic identity codes (individual numbers
 * 900–999, valid check characters, same birth date, sex and century sign
 * where possible) and replacement names, streets, postal codes and phone
 * numbers. Every mapping is consistent over the whole sample (the same
 * original always gives the same pseudonym, different originals different
 * ones), so equalities and conflicts between records and VTJ survive.
 * Deterministic for a seed. Pure: no I/O.
 */
import { addDays, checkHetu, makeHetu } from '../../domain/index.ts';

/** What the pseudonymiser must never produce: the sample's original codes and name words. */
export interface Originals {
  readonly codes: readonly string[];
  /** Words of names and streets (any case). */
  readonly words: Iterable<string>;
}

/** What a synthetic code must look like. */
export interface CodeNeeds {
  /** The code must hold a letter (so a lower-case legacy form still shows). */
  readonly letter?: boolean;
}

/** FNV-1a over a string, for seeding one pseudonym's draws. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small seeded generator (mulberry32): one per pseudonym, so each is independent of the order of others. */
function draws(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOWELS = 'aeiouy';
const CONSONANTS = 'bdfghjklmnprstv';
const NORDIC = 'äöå';
const upper = (s: string): string => s.toLocaleUpperCase('fi-FI');

/** Each character replaced by a random one of its kind (vowel, consonant, ä/ö/å, digit), case and punctuation kept. */
function scramble(token: string, next: () => number): string {
  const pick = (set: string) => set[Math.floor(next() * set.length)]!;
  let out = '';
  for (const ch of token) {
    const lower = ch.toLocaleLowerCase('fi-FI');
    const isUpper = ch !== lower;
    let r: string;
    if (VOWELS.includes(lower)) r = pick(VOWELS);
    else if (/[a-z]/.test(lower)) r = pick(CONSONANTS);
    else if (/\p{L}/u.test(lower)) r = pick(NORDIC);
    else if (/\d/.test(ch)) r = out === '' || /\D$/.test(out) ? pick('123456789') : pick('0123456789');
    else r = ch;
    out += isUpper ? upper(r) : r;
  }
  return out;
}

/** Mask for free text: letters become x (ä for other letters), digits 0; spaces, punctuation, quotes and line breaks stay. */
export function maskText(text: string): string {
  return text.replace(/\p{L}|\d/gu, (ch) => {
    if (/\d/.test(ch)) return '0';
    const isUpper = ch !== ch.toLocaleLowerCase('fi-FI');
    const r = /[a-z]/i.test(ch) ? 'x' : 'ä';
    return isUpper ? upper(r) : r;
  });
}

export class Pseudonymiser {
  private readonly forbiddenWords: Set<string>;
  private readonly forbiddenCodes: Set<string>;
  /** DDMMYY + individual number of every original and every synthetic code: a sign-less code fits one person. */
  private readonly takenNumbers = new Set<string>();
  private readonly codes = new Map<string, string>();
  private readonly words = new Map<string, string>();
  private readonly usedWords = new Set<string>();
  private readonly values = new Map<string, string>();

  constructor(
    private readonly seed: number,
    originals: Originals,
  ) {
    this.forbiddenCodes = new Set(originals.codes);
    this.forbiddenWords = new Set([...originals.words].map(upper));
    for (const c of originals.codes) this.takenNumbers.add(c.slice(0, 6) + c.slice(7, 10));
  }

  /** The synthetic code of an original (assigned on first use). */
  code(original: string, needs: CodeNeeds = {}): string {
    const known = this.codes.get(original);
    if (known) return known;
    const check = checkHetu(original);
    if (!check.ok) throw new RangeError('Only valid identity codes are pseudonymised.');
    const { birthDate, sex } = check.info;
    const sign = original[6]!;
    const next = draws(hash(`${this.seed}/code/${original}`));
    // Same birth date first; a later day only when the date's 50 numbers of that sex are used up.
    for (let shift = 0; shift < 366; shift++) {
      const date = addDays(birthDate, shift);
      const parity = sex === 'MALE' ? 1 : 0;
      const numbers = Array.from({ length: 50 }, (_, i) => 900 + 2 * i + parity);
      const start = Math.floor(next() * numbers.length);
      for (let k = 0; k < numbers.length; k++) {
        const nnn = numbers[(start + k) % numbers.length]!;
        let candidate: string;
        try {
          candidate = makeHetu(date, nnn, sign);
        } catch {
          candidate = makeHetu(date, nnn); // the shifted date crossed into another century
        }
        const number = candidate.slice(0, 6) + candidate.slice(7, 10);
        if (this.takenNumbers.has(number) || this.forbiddenCodes.has(candidate)) continue;
        if (needs.letter && !/[A-Z]/.test(candidate)) continue;
        this.takenNumbers.add(number);
        this.codes.set(original, candidate);
        return candidate;
      }
    }
    throw new RangeError('No synthetic identity code is left near that birth date.');
  }

  /** The synthetic code of an original already assigned, if any. */
  assigned(original: string): string | undefined {
    return this.codes.get(original);
  }

  /** A name, street or other person-naming text: each word replaced by its pseudonym (case-insensitively consistent). */
  name(text: string): string {
    return text.replace(/[^\s]+/g, (token) => this.word(token));
  }

  private word(token: string): string {
    const key = upper(token);
    let pseudo = this.words.get(key);
    if (pseudo === undefined) {
      const next = draws(hash(`${this.seed}/word/${key}`));
      const named = /\p{L}/u.test(token);
      for (let attempt = 0; ; attempt++) {
        pseudo = upper(scramble(key, next));
        // Numbers (house numbers) may repeat; words never equal an original or another word's pseudonym.
        if (!named || attempt > 100) break;
        if (pseudo !== key && !this.forbiddenWords.has(pseudo) && !this.usedWords.has(pseudo)) break;
      }
      this.words.set(key, pseudo);
      this.usedWords.add(pseudo);
    }
    // The original's case, letter by letter (VIRTANEN, Virtanen, virtanen stay so).
    const chars = [...pseudo];
    if (chars.length !== [...token].length) return pseudo; // upper-casing changed the length (ß): keep it upper case
    return [...token].map((ch, i) => (ch === upper(ch) ? chars[i]! : chars[i]!.toLocaleLowerCase('fi-FI'))).join('');
  }

  /** A postal code: the first two digits (the region) kept, the rest replaced. */
  postalCode(code: string): string {
    return this.value('postal', code, (next) => code.slice(0, 2) + code.slice(2).replace(/\d/g, () => String(Math.floor(next() * 10))));
  }

  /** A phone number: the first three digits (the operator or area prefix) and the layout kept, the other digits replaced. */
  phone(phone: string): string {
    return this.value('phone', phone, (next) => {
      let seen = 0;
      return phone.replace(/\d/g, (d) => (++seen <= 3 ? d : String(Math.floor(next() * 10))));
    });
  }

  private value(kind: string, original: string, make: (next: () => number) => string): string {
    const key = `${kind}/${original}`;
    let v = this.values.get(key);
    if (v === undefined) {
      const next = draws(hash(`${this.seed}/${key}`));
      v = make(next);
      for (let attempt = 0; v === original && attempt < 20; attempt++) v = make(next);
      this.values.set(key, v);
    }
    return v;
  }
}
