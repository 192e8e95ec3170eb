/**
 * The plain baseline: node:http reading the request's JSON body and answering
 * the engine query's data for its `id` (answers serialised once, up front), no
 * GraphQL at all: the ceiling of this machine's HTTP + JSON round trip.
 * `node --import tsx bench/engine/targets/plain.ts` prints
 * `{"ready":true,"url":"http://127.0.0.1:P/graphql"}` and runs until SIGTERM.
 */
import { createServer } from 'node:http';
import { announceReady, exitOnSignal, listenFree } from '../../lib/serve.ts';
import { PERSON_COUNT, expectedData } from '../schema.ts';

const answers = new Map<string, string>();
for (let n = 1; n <= PERSON_COUNT; n++) answers.set(String(n), JSON.stringify({ data: expectedData(String(n)) }));
const notFound = JSON.stringify({ data: { person: null } });

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let id: unknown;
    try {
      id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: { id?: unknown } }).variables?.id;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Expected a JSON body."}]}');
      return;
    }
    const body = (typeof id === 'string' && answers.get(id)) || notFound;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
const port = await listenFree(server);
exitOnSignal(() => {
  server.closeAllConnections();
  server.close();
});
announceReady({ url: `http://127.0.0.1:${port}/graphql` });
