/**
 * GraphiQL at /graphiql, self-contained: the page, GraphiQL's prebuilt
 * bundle and React's UMD builds are all served by the gateway from
 * node_modules (graphiql 3, react 18, react-dom 18), since the region runs
 * without network. A Content-Security-Policy limits the page to this origin,
 * so a reference to anything else would fail in the browser too.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ExampleOperation } from './examples.ts';
import type { GatewayLogger } from './logging.ts';

export const GRAPHIQL_PATH = '/graphiql';
const ASSETS_PATH = `${GRAPHIQL_PATH}/assets`;

export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL sets style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The demo user picked at first: the person of the saved examples, so a
 * newcomer's first query shows a client's region-wide picture, not a denial.
 */
const EXAMPLES_USER = 'citizen';

/** GraphiQL's demo identity picker (development identity provider only). */
export interface IdentityPicker {
  /** Where the page fetches a token for a demo user (`?as=ID`). */
  readonly tokenEndpoint: string;
  readonly users: readonly { readonly id: string; readonly label: string }[];
}

interface Asset {
  readonly file: string;
  readonly type: string;
}

/** The files the page loads, by the name it loads them as; resolved from the installed packages. */
export function graphiqlAssets(): Map<string, Asset> | { missing: string } {
  const require = createRequire(import.meta.url);
  // react and react-dom export only their package.json and entry points, so
  // their UMD builds are found next to package.json.
  const dirOf = (pkg: string): string => dirname(require.resolve(`${pkg}/package.json`));
  try {
    const graphiql = dirOf('graphiql');
    const react = dirOf('react');
    const reactDom = dirOf('react-dom');
    const js = 'text/javascript; charset=utf-8';
    return new Map<string, Asset>([
      ['graphiql.min.css', { file: join(graphiql, 'graphiql.min.css'), type: 'text/css; charset=utf-8' }],
      ['react.production.min.js', { file: join(react, 'umd', 'react.production.min.js'), type: js }],
      ['react-dom.production.min.js', { file: join(reactDom, 'umd', 'react-dom.production.min.js'), type: js }],
      ['graphiql.min.js', { file: join(graphiql, 'graphiql.min.js'), type: js }],
      ['app.js', { file: fileURLToPath(new URL('./graphiql/app.js', import.meta.url)), type: js }],
    ]);
  } catch (err) {
    return { missing: (err as { code?: string }).code ?? 'MODULE_NOT_FOUND' };
  }
}

/**
 * The page: local stylesheet and scripts in load order, the examples as a
 * JSON data block, and with a picker a select of demo identities whose
 * token app.js fetches and sends as `Authorization: Bearer …`.
 */
export function graphiqlPage(endpoint: string, examples: readonly ExampleOperation[], picker?: IdentityPicker): string {
  // A JSON data block is not executed (CSP allows it); `<` is escaped so no text can close the element.
  const config = JSON.stringify({ endpoint, examples, identity: picker ? { tokenEndpoint: picker.tokenEndpoint } : null }).replace(
    /</g,
    '\\u003c',
  );
  const bar = picker
    ? `  <div id="identity-bar">
    <label for="identity">Identity</label>
    <select id="identity">
      <option value="">Anonymous (no token)</option>
${picker.users.map((u) => `      <option value="${html(u.id)}"${u.id === EXAMPLES_USER ? ' selected' : ''}>${html(u.label)}</option>`).join('\n')}
    </select>
    <span id="identity-status" role="status"></span>
    <span class="identity-note">development identity provider: tokens for demo users, sent as Authorization: Bearer</span>
  </div>
`
    : '';
  const script = (name: string): string => `  <script src="${ASSETS_PATH}/${name}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Region graph · GraphiQL</title>
  <link rel="stylesheet" href="${ASSETS_PATH}/graphiql.min.css">
  <link rel="stylesheet" href="${ASSETS_PATH}/page.css">
</head>
<body${picker ? ' class="with-identity"' : ''}>
${bar}  <div id="graphiql">Loading GraphiQL…</div>
  <script type="application/json" id="graphiql-config">${config}</script>
${['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'app.js'].map(script).join('\n')}
</body>
</html>
`;
}

const PAGE_CSS = [
  'html, body { margin: 0; height: 100%; }',
  '#graphiql { height: 100vh; }',
  'body.with-identity #graphiql { height: calc(100vh - 2.5rem); }',
  '#identity-bar { box-sizing: border-box; height: 2.5rem; display: flex; align-items: center; gap: 0.5rem; padding: 0 1rem;',
  '  font: 14px system-ui, sans-serif; border-bottom: 1px solid #ddd; background: #f7f7f7; }',
  '#identity-status { color: #555; } #identity-status.error { color: #b00020; }',
  '.identity-note { margin-left: auto; color: #777; font-size: 12px; }',
  '',
].join('\n');

/** Text for an HTML attribute or element. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Registers GET /graphiql and its assets. */
export function registerGraphiql(
  app: FastifyInstance,
  options: { endpoint: string; examples: readonly ExampleOperation[]; logger: GatewayLogger; identityPicker?: IdentityPicker },
): void {
  const assets = graphiqlAssets();
  const page = graphiqlPage(options.endpoint, options.examples, options.identityPicker);
  const cache = new Map<string, Buffer>();
  if (!(assets instanceof Map)) {
    options.logger.warn({ code: assets.missing }, 'GraphiQL assets not installed; /graphiql answers 503');
  }

  const sendPage = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    if (!(assets instanceof Map)) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('GraphiQL is not installed: run npm install (packages graphiql, react, react-dom).\n');
    }
    return reply
      .header('content-security-policy', GRAPHIQL_CSP)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(page);
  };
  app.get(GRAPHIQL_PATH, sendPage);
  app.get(`${GRAPHIQL_PATH}/`, sendPage);

  app.get<{ Params: { name: string } }>(`${ASSETS_PATH}/:name`, async (req, reply) => {
    const { name } = req.params;
    if (name === 'page.css') return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PAGE_CSS);
    const asset = assets instanceof Map ? assets.get(name) : undefined;
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.\n');
    let body = cache.get(name);
    if (!body) {
      body = await readFile(asset.file);
      cache.set(name, body);
    }
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(body);
  });
}
