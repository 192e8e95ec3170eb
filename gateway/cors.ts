/**
 * CORS for browser clients on other origins (a portal at
 * https://portal.example.fi calling the gateway at https://api.example.fi),
 * on the GraphQL route only, for a configured list of exact origins
 * (CORS_ORIGINS; none by default, so no other origin is answered at all).
 *
 *   preflight (OPTIONS with Origin and Access-Control-Request-Method) from an
 *             allowed origin: 204 with Access-Control-Allow-Origin (the origin
 *             echoed, never `*`), -Methods GET, POST, -Headers, -Max-Age and
 *             Vary: Origin; from any other origin, or without the request
 *             method: the GraphQL route's 405 as before, no CORS header
 *   GET/POST  from an allowed origin: Access-Control-Allow-Origin and
 *             -Expose-Headers, on every answer (refusals included, so the
 *             page can read the error); from another origin: none
 *   Vary: Origin on every answer of the route once any origin is configured
 *             (answers then differ by Origin: a cache must not mix them)
 *
 * No Access-Control-Allow-Credentials: the gateway reads a bearer token from
 * the Authorization header, never a cookie, so a page sends no credentials
 * the browser would attach on its own. The CSRF guard (hardening/csrf.ts)
 * is unchanged and still needed: it refuses the requests a page on ANY
 * origin can send without a preflight; CORS only decides which origins may
 * read answers and send preflighted (e.g. application/json) requests.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What a preflight may ask to send: the headers the region's clients and the sample portal use. */
export const CORS_ALLOWED_HEADERS = [
  'accept',
  'accept-language',
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'graphql-client-name',
  'graphql-client-version',
  'x-request-id',
] as const;

/** Response headers a page may read besides the safelisted ones (Content-Language and Content-Type are). */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'www-authenticate'] as const;

/** How long a browser may reuse a preflight's answer, seconds (browsers cap it: Chromium at 2 h). */
export const CORS_MAX_AGE_SECONDS = 600;

export interface CorsOptions {
  /** The GraphQL route's path; nothing else is touched. */
  readonly path: string;
  /** Exact origins (`scheme://host[:port]`, as browsers send them), e.g. `https://portal.example.fi`. */
  readonly origins: readonly string[];
}

/**
 * An origin as a browser serialises it (`https://portal.example.fi`,
 * `http://localhost:8080`): lower-case scheme and host, no default port,
 * no path; null for anything else (`*`, `null`, a path, a query).
 */
export function normaliseOrigin(text: string): string | null {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Scheme and authority (no user info) and at most a trailing slash; `new URL` lower-cases and drops a default port.
  if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(trimmed)) return null;
  return url.origin;
}

/** Adds `name` to the answer's Vary header, keeping the names already there. */
export function addVary(reply: FastifyReply, name: string): void {
  const current = reply.getHeader('vary');
  const names =
    typeof current === 'string'
      ? current
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n !== '')
      : [];
  if (names.some((n) => n.toLowerCase() === name.toLowerCase() || n === '*')) return;
  reply.header('vary', [...names, name].join(', '));
}

/** Adds the CORS hooks; with no origins it adds nothing (the route answers exactly as before). */
export function registerCors(app: FastifyInstance, options: CorsOptions): void {
  if (options.origins.length === 0) return;
  const allowed = new Set(options.origins);
  const isRoute = (req: FastifyRequest): boolean => req.routeOptions.url === options.path;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!isRoute(req)) return;
    addVary(reply, 'Origin');
    const origin = req.headers.origin;
    // Exact match: browsers send the serialised origin, so no normalising (a near miss is another origin).
    if (typeof origin !== 'string' || !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', origin);
    if (req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string') {
      // The preflight: answered here, before the route's 405 for OPTIONS.
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '))
        .header('access-control-max-age', String(CORS_MAX_AGE_SECONDS))
        .header('cache-control', 'no-store')
        .send();
    }
    reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
  });
}
