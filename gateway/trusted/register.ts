/**
 * Wires trusted documents into the GraphQL route: a preValidation hook,
 * added before the hardening's (so the limits check the text that will run),
 * replaces a request's document id by the registered text, or refuses it
 * (documents.ts). Before it, in onRequest, the CSRF guard has already judged
 * the request: a GET naming a document by id needs a preflight header like
 * any other GET that executes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentRequest, DocumentRefusal, TrustedDocuments } from './documents.ts';

export interface TrustedDocumentsOptions {
  /** The GraphQL route's path. */
  readonly path: string;
  readonly documents: TrustedDocuments;
  /** Told of every refusal (for the request's log line). */
  readonly onRefused?: (req: FastifyRequest, code: string) => void;
}

type Parameters = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Adds the hook; call it before registerHardening. */
export function registerTrustedDocuments(app: FastifyInstance, options: TrustedDocumentsOptions): void {
  const { documents } = options;
  const refuse = (req: FastifyRequest, reply: FastifyReply, refusal: DocumentRefusal): FastifyReply => {
    options.onRefused?.(req, refusal.code);
    return reply
      .code(refusal.status)
      .type('application/json; charset=utf-8')
      .send({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
  };

  app.addHook('preValidation', async (req, reply) => {
    if (req.routeOptions.url !== options.path) return;
    if (req.method === 'POST') {
      const body = req.body;
      // Not an object (an array, a string): the hardening and the route answer it.
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
      const resolution = documents.resolve(body as DocumentRequest);
      if (resolution.refusal) return refuse(req, reply, resolution.refusal);
      if (resolution.query !== undefined && resolution.query !== (body as DocumentRequest).query)
        req.body = { ...body, query: resolution.query };
    } else if (req.method === 'GET') {
      const params = req.query as Parameters;
      // Nothing asked (a person opening the endpoint in a browser): the route answers (GraphiQL's redirect, or what is missing).
      if (params.query === undefined && params.documentId === undefined && params.extensions === undefined) return;
      let extensions: unknown;
      const rawExtensions = one(params.extensions);
      if (rawExtensions !== undefined && rawExtensions !== '') {
        try {
          extensions = JSON.parse(rawExtensions);
        } catch {
          return refuse(req, reply, {
            status: 400,
            code: 'BAD_REQUEST',
            message: 'Expected extensions as JSON, received text that does not parse.',
          });
        }
      }
      const resolution = documents.resolve({ query: one(params.query), documentId: one(params.documentId), extensions });
      if (resolution.refusal) return refuse(req, reply, resolution.refusal);
      if (resolution.query !== undefined && resolution.query !== one(params.query)) req.query = { ...params, query: resolution.query };
    }
  });
}
