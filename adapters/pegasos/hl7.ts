/**
 * A pure HL7 v2 message codec (no I/O, no transport): segments split on CR,
 * fields, repetitions, components and subcomponents split by the delimiters
 * the message's own MSH declares, escape sequences decoded on read and
 * applied on write. Accessors are 1-based as in the HL7 standard; for MSH,
 * field 1 is the field separator itself and field 2 the encoding characters.
 */

/** The five delimiters a message declares in MSH-1 and MSH-2. */
export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

/** `|^~\&`, what Pegasos always uses. */
export const DEFAULT_DELIMITERS: Hl7Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Decodes HL7 escape sequences in one atomic value (already split on every
 * delimiter): `\F\ \S\ \T\ \R\ \E\` and `\Xhh…\` (bytes as ISO-8859-1
 * characters). Unknown sequences (formatting such as `\.br\`) stay as text.
 */
export function unescapeHl7(text: string, d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  const e = d.escape;
  if (!text.includes(e)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(e, i);
    if (start < 0) break;
    const end = text.indexOf(e, start + 1);
    if (end < 0) break;
    out += text.slice(i, start);
    const seq = text.slice(start + 1, end);
    const decoded = decodeSequence(seq, d);
    out += decoded ?? text.slice(start, end + 1);
    i = end + 1;
  }
  return out + text.slice(i);
}

function decodeSequence(seq: string, d: Hl7Delimiters): string | undefined {
  switch (seq) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) {
    let s = '';
    for (let k = 1; k < seq.length; k += 2) s += String.fromCharCode(parseInt(seq.slice(k, k + 2), 16));
    return s;
  }
  return undefined;
}

/**
 * Escapes text for one atomic HL7 value: the five delimiters become
 * `\F\ \S\ \T\ \R\ \E\`, and control characters (CR and LF above all, which
 * would end the segment, and the MLLP framing bytes) become `\Xhh\`.
 */
export function escapeHl7(text: string, d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  let out = '';
  for (const ch of text) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch.charCodeAt(0) < 0x20) out += `${d.escape}X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${d.escape}`;
    else out += ch;
  }
  return out;
}

/** One repetition of a field (or a whole non-repeating field), still encoded. */
export class Hl7Field {
  constructor(
    /** The encoded text of this repetition. */
    readonly raw: string,
    private readonly d: Hl7Delimiters,
  ) {}

  /** The encoded text of component `c` (1-based); '' when absent. */
  component(c: number): string {
    return this.raw.split(this.d.component)[c - 1] ?? '';
  }

  /** The decoded text of component `c`, subcomponent `s` (both 1-based); '' when absent. */
  get(c = 1, s = 1): string {
    const sub = this.component(c).split(this.d.subcomponent)[s - 1] ?? '';
    return unescapeHl7(sub, this.d);
  }

  /** True when the field holds nothing. */
  get empty(): boolean {
    return this.raw === '';
  }
}

/** One segment; `fields[n]` is field n (for MSH, fields[1] is the field separator). */
export class Hl7Segment {
  constructor(
    readonly fields: readonly string[],
    readonly delimiters: Hl7Delimiters,
  ) {}

  /** The segment id (`MSH`, `PID`, …). */
  get name(): string {
    return this.fields[0] ?? '';
  }

  /** The encoded text of field n; '' when absent (empty trailing fields may be left out). */
  raw(n: number): string {
    return this.fields[n] ?? '';
  }

  /** The repetitions of field n (one, empty, when the field is absent). MSH-1/MSH-2 never split. */
  repetitions(n: number): Hl7Field[] {
    const raw = this.raw(n);
    if (this.isMshHeader(n)) return [new Hl7Field(raw, this.delimiters)];
    return raw.split(this.delimiters.repetition).map((r) => new Hl7Field(r, this.delimiters));
  }

  /**
   * The decoded text at field n, component c, subcomponent s, repetition r
   * (all 1-based); '' when absent. MSH-1 and MSH-2 are returned verbatim.
   */
  get(n: number, c = 1, s = 1, r = 1): string {
    if (this.isMshHeader(n)) return c === 1 && s === 1 && r === 1 ? this.raw(n) : '';
    const rep = this.raw(n).split(this.delimiters.repetition)[r - 1];
    return rep === undefined ? '' : new Hl7Field(rep, this.delimiters).get(c, s);
  }

  /** The segment as encoded text, without its CR. */
  toString(): string {
    if (this.name === 'MSH') return `MSH${this.raw(1)}${this.fields.slice(2).join(this.raw(1))}`;
    return this.fields.join(this.delimiters.field);
  }

  private isMshHeader(n: number): boolean {
    return this.name === 'MSH' && (n === 1 || n === 2);
  }
}

/** A parsed message: its segments in order and the delimiters its MSH declared. */
export class Hl7Message {
  constructor(
    readonly segments: readonly Hl7Segment[],
    readonly delimiters: Hl7Delimiters,
  ) {}

  /** The first segment of that name. */
  segment(name: string): Hl7Segment | undefined {
    return this.segments.find((s) => s.name === name);
  }

  /** Every segment of that name. */
  all(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /** The message as encoded text, each segment ending in CR. */
  toString(): string {
    return this.segments.map((s) => `${s.toString()}\r`).join('');
  }
}

export type Hl7ParseResult = { readonly ok: true; readonly message: Hl7Message } | { readonly ok: false; readonly reason: string };

/**
 * Parses one message. It must start with an MSH declaring its delimiters;
 * segments end in CR (CR LF and LF are tolerated); blank lines are skipped.
 * Reasons describe the form, never the content.
 */
export function parseHl7(text: string): Hl7ParseResult {
  if (!text.startsWith('MSH')) return { ok: false, reason: 'expected a message starting with MSH, received something else' };
  const delimiters = readDelimiters(text);
  if (!delimiters) return { ok: false, reason: 'expected MSH-1 and MSH-2 to declare five distinct delimiters, received another form' };
  const lines = text.split(/\r\n|\r|\n/);
  const segments: Hl7Segment[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const fields = line.split(delimiters.field);
    const name = fields[0]!;
    if (!SEGMENT_NAME.test(name))
      return { ok: false, reason: `expected segment ${i + 1} to start with a three-character segment id, received another form` };
    if (name === 'MSH') fields.splice(1, 0, delimiters.field);
    segments.push(new Hl7Segment(fields, delimiters));
  }
  return { ok: true, message: new Hl7Message(segments, delimiters) };
}

function readDelimiters(text: string): Hl7Delimiters | undefined {
  const field = text[3];
  if (field === undefined || field === '\r' || field === '\n' || /[A-Za-z0-9 ]/.test(field)) return undefined;
  const end = text.indexOf(field, 4);
  const enc = end < 0 ? '' : text.slice(4, end);
  // HL7 2.7 adds a fifth (truncation) character; only the first four matter here.
  if (enc.length < 4 || enc.length > 5) return undefined;
  const [component, repetition, escape, subcomponent] = enc as unknown as [string, string, string, string];
  const all = [field, component, repetition, escape, subcomponent];
  if (new Set(all).size !== 5 || all.some((c) => /[\r\n A-Za-z0-9]/.test(c))) return undefined;
  return { field, component, repetition, escape, subcomponent };
}

// ---------------------------------------------------------------------------
// Writing. Parts are text (escaped when joined) or `Raw` (already encoded),
// so a field with components and subcomponents nests without double escaping.

/** Already-encoded HL7 text. */
export interface Raw {
  readonly raw: string;
}

/** A part of a field: text to escape, already-encoded text, or nothing. */
export type Part = string | Raw | undefined | null;

/** Marks text as already encoded. */
export function raw(text: string): Raw {
  return { raw: text };
}

function encodePart(p: Part, d: Hl7Delimiters): string {
  if (p === undefined || p === null) return '';
  return typeof p === 'string' ? escapeHl7(p, d) : p.raw;
}

function joinTrimmed(parts: readonly Part[], sep: string, d: Hl7Delimiters): string {
  const encoded = parts.map((p) => encodePart(p, d));
  while (encoded.length > 0 && encoded[encoded.length - 1] === '') encoded.pop();
  return encoded.join(sep);
}

/** Components of one field, empty trailing ones left out. */
export function components(...parts: Part[]): Raw {
  return raw(joinTrimmed(parts, DEFAULT_DELIMITERS.component, DEFAULT_DELIMITERS));
}

/** Subcomponents of one component, empty trailing ones left out. */
export function subcomponents(...parts: Part[]): Raw {
  return raw(joinTrimmed(parts, DEFAULT_DELIMITERS.subcomponent, DEFAULT_DELIMITERS));
}

/** Repetitions of one field. */
export function repetitions(...parts: Part[]): Raw {
  return raw(parts.map((p) => encodePart(p, DEFAULT_DELIMITERS)).join(DEFAULT_DELIMITERS.repetition));
}

/** One segment (no CR) from its fields 1…n, empty trailing fields left out. */
export function segment(name: string, ...fields: Part[]): string {
  const body = joinTrimmed(fields, DEFAULT_DELIMITERS.field, DEFAULT_DELIMITERS);
  return body === '' ? name : `${name}${DEFAULT_DELIMITERS.field}${body}`;
}

/** An MSH segment (no CR) with the default delimiters, from its fields 3…n. */
export function mshSegment(...fieldsFrom3: Part[]): string {
  const body = joinTrimmed(fieldsFrom3, DEFAULT_DELIMITERS.field, DEFAULT_DELIMITERS);
  return `MSH|^~\\&${body === '' ? '' : `|${body}`}`;
}

/** A message from encoded segments: each ends in CR. */
export function message(segments: readonly string[]): string {
  return segments.map((s) => `${s}\r`).join('');
}
