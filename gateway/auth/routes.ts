/**
 * The development identity provider's HTTP endpoints on the gateway:
 *   GET /.well-known/jwks.json          its public keys
 *   GET /dev-idp/users                  the demo users (id, label, note); not in production
 *   GET /dev-idp/token?as=ID[&minutes=N] a token for a demo user (GraphiQL's picker); not in production
 *
 * The gateway does not start with the development identity provider on a
 * non-loopback address (gateway/config.ts); in case a caller of createGateway
 * listens elsewhere all the same, the user list and the token endpoint also
 * answer only requests that arrived on a loopback interface (403
 * DEV_IDP_LOOPBACK_ONLY otherwise).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../config.ts';
import type { DevIdp } from './devIdp.ts';
import { DEFAULT_TOKEN_MINUTES, MAX_TOKEN_MINUTES } from './devIdp.ts';
import { DEMO_USERS, demoUser } from './demoUsers.ts';

export const JWKS_PATH = '/.well-known/jwks.json';
export const DEV_IDP_TOKEN_PATH = '/dev-idp/token';
export const DEV_IDP_USERS_PATH = '/dev-idp/users';
/** `error.code` of a token or user list request that arrived on a non-loopback interface. */
export const DEV_IDP_LOOPBACK_ONLY = 'DEV_IDP_LOOPBACK_ONLY';

/** Registers the JWKS route, and (unless `production`) the token and user list routes. */
export function registerDevIdpRoutes(app: FastifyInstance, devIdp: DevIdp, options: { readonly production: boolean }): void {
  app.get(JWKS_PATH, async (_req, reply) => reply.header('cache-control', 'public, max-age=60').send(devIdp.jwks()));
  if (options.production) return;

  // Why: the token endpoint mints a token for any demo user, a physician included, to whoever asks.
  const loopbackOnly = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const local = req.socket.localAddress;
    // No local address: an in-process request (inject), which no other machine can make.
    if (local === undefined || isLoopbackHost(local)) return undefined;
    return reply
      .code(403)
      .header('cache-control', 'no-store')
      .send({
        error: {
          code: DEV_IDP_LOOPBACK_ONLY,
          message: 'Expected a request to the development identity provider on a loopback address, received one on another interface.',
        },
      });
  };

  app.get(DEV_IDP_USERS_PATH, { onRequest: loopbackOnly }, async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ users: DEMO_USERS.map(({ id, label, note }) => ({ id, label, note })) }),
  );

  app.get<{ Querystring: Record<string, string | string[] | undefined> }>(
    DEV_IDP_TOKEN_PATH,
    { onRequest: loopbackOnly },
    async (req, reply) => {
      const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
      const as = one(req.query.as) ?? '';
      const user = demoUser(as);
      reply.header('cache-control', 'no-store');
      if (!user) {
        return reply.code(404).send({
          error: {
            code: 'UNKNOWN_DEMO_USER',
            message: `Expected as= one of ${DEMO_USERS.map((u) => u.id).join(', ')}, received another value.`,
          },
        });
      }
      const rawMinutes = one(req.query.minutes);
      const minutes =
        rawMinutes === undefined || rawMinutes === '' ? DEFAULT_TOKEN_MINUTES : /^\d{1,4}$/.test(rawMinutes) ? Number(rawMinutes) : NaN;
      if (!(minutes >= 1 && minutes <= MAX_TOKEN_MINUTES)) {
        return reply.code(400).send({
          error: {
            code: 'BAD_REQUEST',
            message: `Expected minutes as a whole number from 1 to ${MAX_TOKEN_MINUTES}, received another value.`,
          },
        });
      }
      const minted = await devIdp.mint(user.identity, { minutes });
      return reply.send({
        token: minted.token,
        tokenType: 'Bearer',
        expiresAt: minted.expiresAt.toISOString(),
        user: { id: user.id, label: user.label },
      });
    },
  );
}
