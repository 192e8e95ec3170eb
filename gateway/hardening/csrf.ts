/**
 * CSRF prevention as Apollo Server's `csrfPrevention` does it: a browser
 * sends a cross-site request without asking first (a CORS preflight) only
 * when it is a GET, or a POST whose Content-Type is one of the three
 * "simple" types, and it carries no header outside the CORS safelist. Such a
 * request could be made by any page the user visits, so the gateway refuses
 * it unless it has a Content-Type a browser would preflight (e.g.
 * application/json) or a non-empty header no simple request can carry.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Content types a browser may POST cross-site without a preflight. */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** Headers any of which, non-empty, shows the request was preflighted (as in Apollo Server). */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** True when a browser could have sent this request cross-site without a preflight. */
export function couldBeCrossSite(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  if (typeof contentType === 'string') {
    const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
    // Any other type (application/json, or one the gateway then refuses with 415) is preflighted.
    if (essence !== '' && !SIMPLE_CONTENT_TYPES.has(essence)) return false;
  }
  for (const name of PREFLIGHT_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value.length > 0) return false;
  }
  return true;
}

/** The refusal's message: what the client must send instead. */
export const CSRF_MESSAGE =
  'Expected a request a browser could not send cross-site unasked: received one without Content-Type application/json ' +
  `and without a non-empty ${PREFLIGHT_HEADERS.join(' or ')} header.`;
