/**
 * The engine scenario's subgraphs process:
 * `node --import tsx bench/engine/subgraphs.ts`
 * serves the three plain Federation 2 subgraphs of schema.ts on three free
 * ports of 127.0.0.1 (node:http, buildSubgraphSchema + graphql-js with a
 * parse/validate cache, so a subgraph answer costs little and the gateway is
 * what the scenario measures), prints one line
 * `{"ready":true,"urls":{"people":"http://…/graphql",…}}` and runs until
 * SIGTERM/SIGINT.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { apolloSubgraph, graphql } from '../lib/mainModules.ts';
import { listenFree } from '../lib/serve.ts';
import { ENGINE_RESOLVERS, ENGINE_SUBGRAPHS, ENGINE_TYPE_DEFS } from './schema.ts';
import type { EngineSubgraph } from './schema.ts';

const { execute, parse, validate } = graphql;
const { buildSubgraphSchema } = apolloSubgraph;

/** Parsed and validated documents by query text; bounded (the gateways send a handful of distinct ones). */
const MAX_CACHED = 1000;

interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A node:http handler executing GraphQL POSTs against `schema`, with a document cache. */
export function graphqlHandler(schema: GraphQLSchema): (req: IncomingMessage, res: ServerResponse) => void {
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  return (req, res) => {
    if (req.method !== 'POST') {
      send(res, 405, { errors: [{ message: 'Expected POST.' }] });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: GraphQLBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLBody;
      } catch {
        send(res, 400, { errors: [{ message: 'Expected a JSON body.' }] });
        return;
      }
      if (typeof body.query !== 'string') {
        send(res, 400, { errors: [{ message: 'Expected a query.' }] });
        return;
      }
      let document = documents.get(body.query);
      if (!document) {
        try {
          const parsed = parse(body.query);
          const errors = validate(schema, parsed);
          document = errors.length > 0 ? errors : parsed;
        } catch (err) {
          document = [err as Error];
        }
        if (documents.size >= MAX_CACHED) documents.clear();
        documents.set(body.query, document);
      }
      if (Array.isArray(document)) {
        send(res, 400, { errors: document.map((e) => ({ message: e.message })) });
        return;
      }
      Promise.resolve(
        execute({
          schema,
          document: document as DocumentNode,
          variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
          operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
        }),
      ).then(
        (result) => send(res, 200, result),
        (err: unknown) => send(res, 500, { errors: [{ message: err instanceof Error ? err.message : 'Internal error.' }] }),
      );
    });
  };
}

async function main(): Promise<void> {
  const servers: Server[] = [];
  const urls = {} as Record<EngineSubgraph, string>;
  for (const name of ENGINE_SUBGRAPHS) {
    // The resolver maps are plain objects; buildSubgraphSchema's resolver type is stricter than needed here.
    const schema = buildSubgraphSchema({ typeDefs: parse(ENGINE_TYPE_DEFS[name]), resolvers: ENGINE_RESOLVERS[name] as never });
    const server = createServer({ keepAliveTimeout: 60_000 }, graphqlHandler(schema));
    servers.push(server);
    urls[name] = `http://127.0.0.1:${await listenFree(server)}/graphql`;
  }
  const stop = () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ ready: true, urls })}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
