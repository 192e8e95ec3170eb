/**
 * Request ids a caller may choose: only forms that cannot carry personal
 * data, a UUID or a W3C trace id (32 lowercase hex digits). Anything else
 * (e.g. `021289-9032`, an identity code, which a looser "id-like" pattern
 * accepted) is replaced with a fresh UUID and never echoed, logged,
 * forwarded or written into the audit log. Shared by the gateway and the
 * subgraph servers.
 */
import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACE_ID = /^[0-9a-f]{32}$/;
const ZERO_TRACE_ID = '0'.repeat(32);

/** The caller's id when it is a UUID (lower-cased) or a W3C trace id (not all zeros, which W3C calls invalid); else undefined. */
export function acceptedRequestId(given: unknown): string | undefined {
  if (typeof given !== 'string') return undefined;
  if (given.length === 36 && UUID.test(given)) return given.toLowerCase();
  if (given.length === 32 && TRACE_ID.test(given) && given !== ZERO_TRACE_ID) return given;
  return undefined;
}

/** The request's id: the `x-request-id` header's when acceptedRequestId takes it, else a fresh UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return acceptedRequestId(header) ?? randomUUID();
}
