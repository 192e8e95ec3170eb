/**
 * How much one answer from a source may hold, per instance: its size in
 * bytes and, for XML sources, its entity and character references. A body
 * is counted as it arrives and the request is aborted as soon as a limit
 * is passed, so an oversize answer costs about the limit in memory and
 * time, never its whole size; the adapter then reports MALFORMED_RESPONSE
 * for that source alone.
 */
import type { Product } from '../../domain/region.ts';

export interface AnswerLimits {
  /** Largest answer read, in bytes (HTTP body, MLLP frame, or a query's result rows). */
  readonly maxResponseBytes: number;
  /** Most `&` references (entity or character) in one XML answer; ignored by sources that do not speak XML. */
  readonly maxReferences: number;
}

const MIB = 1024 * 1024;

/**
 * Defaults per product, sized from the specifications and fixtures: the
 * largest whole fixture file is under 1 MiB, a person's answer a few kB,
 * a listing page (500 persons) tens of kB. Mediatri's change listing is not
 * paged (its one answer lists every changed patient, about 110 bytes each)
 * and ProConsona's is read in pages of rows, so theirs are larger. None of
 * the fixtures' XML holds a single reference; Latin-1 sources may write a
 * few characters as `&#8364;`.
 */
export const DEFAULT_ANSWER_LIMITS: Readonly<Record<Product, AnswerLimits>> = {
  lifecare: { maxResponseBytes: 4 * MIB, maxReferences: 16_384 },
  vtj: { maxResponseBytes: 1 * MIB, maxReferences: 4_096 },
  effica: { maxResponseBytes: 4 * MIB, maxReferences: 16_384 },
  mediatri: { maxResponseBytes: 16 * MIB, maxReferences: 0 },
  pegasos: { maxResponseBytes: 8 * MIB, maxReferences: 0 },
  proconsona: { maxResponseBytes: 16 * MIB, maxReferences: 0 },
};

/** A product's defaults with an instance's own settings over them. */
export function answerLimits(product: Product, own: Partial<AnswerLimits> | undefined): AnswerLimits {
  return { ...DEFAULT_ANSWER_LIMITS[product], ...own };
}

/**
 * Checks one instance's limits as configured: positive whole numbers (a
 * reference budget may be 0). Returns the reason it is not, or undefined.
 */
export function answerLimitsProblem(limits: Partial<AnswerLimits>): string | undefined {
  const { maxResponseBytes, maxReferences } = limits;
  if (maxResponseBytes !== undefined && !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0)) {
    return `expected maxResponseBytes as a positive whole number of bytes, received ${String(maxResponseBytes)}`;
  }
  if (maxReferences !== undefined && !(Number.isSafeInteger(maxReferences) && maxReferences >= 0)) {
    return `expected maxReferences as a whole number of at least 0, received ${String(maxReferences)}`;
  }
  return undefined;
}

const AMPERSAND = 0x26;

/** Why an answer was refused: which limit it passed, in one sentence. */
export interface Refusal {
  readonly kind: 'tooLarge' | 'tooManyReferences';
  readonly reason: string;
}

/**
 * Counts an answer's bytes and references chunk by chunk. Every XML
 * reference begins with `&`, and `&` is one byte in UTF-8 and ISO-8859-1
 * alike (never part of another character), so counting that byte bounds
 * the references without decoding.
 */
export class AnswerBudget {
  private bytes = 0;
  private references = 0;

  constructor(
    private readonly limits: AnswerLimits,
    /** Whether references count (XML sources). */
    private readonly xml: boolean,
  ) {}

  /** Bytes counted so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Adds a chunk; a refusal once a limit is passed, else undefined. */
  add(chunk: Uint8Array): Refusal | undefined {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxResponseBytes) return { kind: 'tooLarge', reason: tooLargeReason(this.limits.maxResponseBytes) };
    if (this.xml) {
      for (let i = chunk.indexOf(AMPERSAND); i >= 0; i = chunk.indexOf(AMPERSAND, i + 1)) {
        if (++this.references > this.limits.maxReferences) {
          return { kind: 'tooManyReferences', reason: tooManyReferencesReason(this.limits.maxReferences) };
        }
      }
    }
    return undefined;
  }

  /** A refusal of a declared Content-Length over the limit, before any byte is read; else undefined. */
  declared(contentLength: string | string[] | undefined): Refusal | undefined {
    const n = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN;
    return n > this.limits.maxResponseBytes ? { kind: 'tooLarge', reason: tooLargeReason(this.limits.maxResponseBytes) } : undefined;
  }
}

/** The one-sentence reason for an answer over the byte limit. */
export function tooLargeReason(maxResponseBytes: number): string {
  return `expected an answer of at most ${maxResponseBytes} bytes, received a larger one`;
}

/** The one-sentence reason for an answer over the reference budget. */
export function tooManyReferencesReason(maxReferences: number): string {
  return `expected at most ${maxReferences} entity or character references in the answer, received more`;
}

/** A body that can be read chunk by chunk and abandoned (undici's response body). */
export interface AbortableBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * Reads a whole body within the limits: the bytes, or the refusal, in which case the body is destroyed at once (undici then closes
 * the connection rather than read the rest).
 */
export async function readWithin(body: AbortableBody, budget: AnswerBudget): Promise<Uint8Array | Refusal> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    const refused = budget.add(chunk);
    if (refused !== undefined) {
      body.destroy();
      return refused;
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
