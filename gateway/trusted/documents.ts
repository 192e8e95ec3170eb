/**
 * Trusted documents (GraphQL-over-HTTP "persisted documents"): operations
 * registered by hash, which a client sends by id instead of as text.
 *
 * The registry is built at start from `.graphql` files (each a directory
 * searched recursively, or one file): ONE operation per file (plus the
 * fragments it uses), its id `sha256:` + the SHA-256 of the file's exact
 * bytes in lower-case hex. Nothing normalises the text: a client hashes the
 * file as it ships it (e.g. `sha256sum portal/operations/NextAppointments.graphql`).
 *
 * A request names a document by
 *   `documentId: "sha256:<hex>"`   POST body or GET parameter (GraphQL over HTTP)
 *   `extensions.persistedQuery.sha256Hash: "<hex>"`  Apollo's persisted queries
 * and the mode (TRUSTED_DOCUMENTS) decides what else is accepted:
 *   off    no registry: an id is refused (PERSISTED_QUERY_NOT_SUPPORTED); free text runs
 *   allow  registered ids and free text (a text sent with an id must hash to it)
 *   only   registered ids only: free text is refused (PERSISTED_QUERY_REQUIRED)
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GraphQLError, parse } from '../graphql.ts';

export const TRUSTED_DOCUMENT_MODES = ['off', 'allow', 'only'] as const;
export type TrustedDocumentMode = (typeof TRUSTED_DOCUMENT_MODES)[number];

/*
 * `extensions.code` of each refusal, with its meaning (README "For frontend developers").
 */
/** 400, mode `only`: the request sent query text (or nothing) instead of the id of a registered document. */
export const PERSISTED_QUERY_REQUIRED = 'PERSISTED_QUERY_REQUIRED';
/** 400: the documentId (or Apollo sha256Hash) names no registered document. */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
/** 400, mode `off`: the request names a document by id, and this gateway keeps no registry. */
export const PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED';
/** 400: the request sent both a query text and an id, and the text's hash is not the id. */
export const PERSISTED_QUERY_HASH_MISMATCH = 'PERSISTED_QUERY_HASH_MISMATCH';

/** A registry file or directory that cannot be used; the message names the path and why. */
export class TrustedDocumentsError extends Error {
  override readonly name = 'TrustedDocumentsError';
}

/** Where documents are read from: a path (a directory, searched recursively, or a `.graphql` file); `optional`: a missing path is an empty one. */
export type TrustedSource = string | { readonly path: string; readonly optional: true };

/** The SHA-256 of a document's bytes (UTF-8 for a string), lower-case hex. */
export function documentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The GraphQL-over-HTTP document id of a text: `sha256:<hex>`. */
export function documentIdOf(text: string | Buffer): string {
  return `sha256:${documentHash(text)}`;
}

/**
 * Reads every `.graphql` file under the sources into hash → text; throws
 * TrustedDocumentsError for a missing required path, a file that does not
 * parse, or a file without exactly one operation.
 */
export function loadTrustedDocuments(sources: readonly TrustedSource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const source of sources) {
    const path = resolve(typeof source === 'string' ? source : source.path);
    const optional = typeof source !== 'string';
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      if (optional) continue;
      throw new TrustedDocumentsError(`expected a trusted documents path that exists, received ${path}, which does not`);
    }
    const files = isDirectory
      ? readdirSync(path, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.graphql'))
          .sort()
          .map((f) => join(path, f))
      : [path];
    for (const file of files) {
      const bytes = readFileSync(file);
      const text = bytes.toString('utf8');
      checkDocument(file, text);
      out.set(documentHash(bytes), text);
    }
  }
  return out;
}

function checkDocument(file: string, text: string): void {
  let operations: number;
  try {
    operations = parse(text, { noLocation: true }).definitions.filter((d) => d.kind === 'OperationDefinition').length;
  } catch (err) {
    if (err instanceof GraphQLError)
      throw new TrustedDocumentsError(`expected ${file} as a GraphQL document, received one that does not parse: ${err.message}`);
    throw err;
  }
  if (operations !== 1) throw new TrustedDocumentsError(`expected one operation in ${file} (one per file), received ${operations}`);
}

/** The parts of a request that name or carry its document (POST body or GET parameters, `extensions` parsed). */
export interface DocumentRequest {
  readonly query?: unknown;
  readonly documentId?: unknown;
  readonly extensions?: unknown;
}

/** A refused request: status, code and one sentence. */
export interface DocumentRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** What to run: `query` the text (registered, or the client's own where allowed); or why not. */
export type DocumentResolution =
  { readonly query: string | undefined; readonly refusal?: undefined } | { readonly refusal: DocumentRefusal };

const HEX = /^[0-9a-fA-F]{64}$/;

/** Resolves requests against one registry and mode. */
export class TrustedDocuments {
  constructor(
    readonly mode: TrustedDocumentMode,
    private readonly documents: ReadonlyMap<string, string>,
  ) {}

  /** How many documents are registered. */
  get size(): number {
    return this.documents.size;
  }

  /** The registered text of a `sha256:<hex>` id, or undefined. */
  get(documentId: string): string | undefined {
    const hex = documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : '';
    return HEX.test(hex) ? this.documents.get(hex.toLowerCase()) : undefined;
  }

  /** The query text a request runs, or its refusal. A request naming no document keeps its own text (mode `only`: refused). */
  resolve(request: DocumentRequest): DocumentResolution {
    const named = requestedHash(request);
    const text = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    if ('refusal' in named) return named;
    if (named.hash === undefined) {
      if (this.mode === 'only')
        return refuse(
          PERSISTED_QUERY_REQUIRED,
          'Expected the documentId of a trusted document, received a request without one: this gateway runs registered operations only.',
        );
      return { query: text };
    }
    if (this.mode === 'off')
      return refuse(
        PERSISTED_QUERY_NOT_SUPPORTED,
        'Expected a query text, received a document id: this gateway keeps no trusted documents.',
      );
    if (text !== undefined && documentHash(text) !== named.hash)
      return refuse(PERSISTED_QUERY_HASH_MISMATCH, 'Expected a query text whose SHA-256 is the document id, received another text.');
    const registered = this.documents.get(named.hash);
    if (registered !== undefined) return { query: registered };
    // Apollo's flow in mode allow: the client, told NOT_FOUND, sends the text with its hash, which then runs (nothing is registered).
    if (text !== undefined && this.mode === 'allow') return { query: text };
    return refuse(PERSISTED_QUERY_NOT_FOUND, 'Expected the id of a registered trusted document, received an unknown id.');
  }
}

/** The hash a request names (lower-case), none, or why its id is unusable. */
function requestedHash(request: DocumentRequest): { readonly hash: string | undefined } | { readonly refusal: DocumentRefusal } {
  const { documentId, extensions } = request;
  let hash: string | undefined;
  if (documentId !== undefined && documentId !== null) {
    const payload = typeof documentId === 'string' && documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : '';
    if (!HEX.test(payload)) return { refusal: badId('Expected documentId as sha256: and 64 hexadecimal digits, received another value.') };
    hash = payload.toLowerCase();
  }
  const persisted =
    typeof extensions === 'object' && extensions !== null ? (extensions as { persistedQuery?: unknown }).persistedQuery : undefined;
  if (persisted !== undefined && persisted !== null) {
    const sha = typeof persisted === 'object' ? (persisted as { sha256Hash?: unknown }).sha256Hash : undefined;
    if (typeof sha !== 'string' || !HEX.test(sha))
      return { refusal: badId('Expected extensions.persistedQuery.sha256Hash as 64 hexadecimal digits, received another value.') };
    if (hash !== undefined && hash !== sha.toLowerCase())
      return { refusal: badId('Expected documentId and extensions.persistedQuery.sha256Hash to name one document, received two.') };
    hash = sha.toLowerCase();
  }
  return { hash };
}

function badId(message: string): DocumentRefusal {
  return { status: 400, code: 'BAD_REQUEST', message };
}

function refuse(code: string, message: string): { readonly refusal: DocumentRefusal } {
  return { refusal: { status: 400, code, message } };
}
