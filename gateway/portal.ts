/**
 * The sample citizen portal at /portal (development only, like GraphiQL):
 * the static files of `portal/public/` (plain ES modules and CSS, no build
 * step) served as they are on disk, read at each request so an edit shows on
 * reload, and `config.json`, which tells the page where GraphQL is and, with
 * the development identity provider, where it gets a token for which demo
 * citizens. The files are read by path, not imported: portal/ is a client of
 * the public API, not a part of the gateway. Only the listed names are
 * served (no path from the request reaches the file system).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DemoUser } from './auth/demoUsers.ts';
import type { GatewayLogger } from './logging.ts';

export const PORTAL_PATH = '/portal';

/** Everything from this origin only, no inline script or style, GraphQL and tokens from the same origin. */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The default folder of the page's files. */
export const PORTAL_DIR = fileURLToPath(new URL('../portal/public/', import.meta.url));

const JS = 'text/javascript; charset=utf-8';
/** The files served, by the name the page loads them as. */
const FILES: ReadonlyMap<string, string> = new Map([
  ['index.html', 'text/html; charset=utf-8'],
  ['app.js', JS],
  ['i18n.js', JS],
  ['style.css', 'text/css; charset=utf-8'],
  ['documents.json', 'application/json; charset=utf-8'],
]);

/** What the page reads from `/portal/config.json`. */
export interface PortalConfig {
  /** The GraphQL endpoint (same origin). */
  readonly endpoint: string;
  /** The development identity provider: where a token for a demo citizen is fetched (`?as=ID`), and who may be picked. Null: none. */
  readonly identity: { readonly tokenEndpoint: string; readonly users: readonly { readonly id: string; readonly label: string }[] } | null;
}

/** The demo users the portal offers: the citizens (guardians among them), not professionals or analysts. */
export function portalUsers(users: readonly DemoUser[]): { id: string; label: string }[] {
  return users.filter((u) => u.identity.kind === 'citizen').map(({ id, label }) => ({ id, label }));
}

/** Registers GET /portal (redirect to /portal/), /portal/ and its files. */
export function registerPortal(
  app: FastifyInstance,
  options: {
    readonly endpoint: string;
    readonly logger: GatewayLogger;
    readonly identity?: PortalConfig['identity'];
    /** The folder of the page's files; default portal/public/ of this checkout. */
    readonly dir?: string;
  },
): void {
  const dir = options.dir ?? PORTAL_DIR;
  const config: PortalConfig = { endpoint: options.endpoint, identity: options.identity ?? null };

  const send = async (reply: FastifyReply, name: string): Promise<FastifyReply> => {
    const type = FILES.get(name);
    if (!type) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.\n');
    let body: Buffer;
    try {
      body = await readFile(`${dir}/${name}`);
    } catch (err) {
      options.logger.warn({ file: name, code: (err as { code?: string }).code ?? 'unknown' }, 'portal file not readable');
      return reply.code(503).type('text/plain; charset=utf-8').send('The sample portal is not installed here (portal/public/).\n');
    }
    reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
    if (name === 'index.html') reply.header('content-security-policy', PORTAL_CSP).header('referrer-policy', 'no-referrer');
    return reply.type(type).send(body);
  };

  // Relative links of the page resolve under /portal/.
  app.get(PORTAL_PATH, async (_req, reply) => reply.redirect(`${PORTAL_PATH}/`, 302));
  app.get(`${PORTAL_PATH}/`, async (_req, reply) => send(reply, 'index.html'));
  app.get(`${PORTAL_PATH}/config.json`, async (_req, reply) =>
    reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(config),
  );
  app.get<{ Params: { name: string } }>(`${PORTAL_PATH}/:name`, async (req, reply) => send(reply, req.params.name));
}
