/**
 * `npm run token -- --as <demo-user> [--minutes N] [--port N]`: prints a
 * bearer token of the development identity provider for one of the demo
 * users (gateway/auth/demoUsers.ts), signed with the key the gateway uses
 * (`.data/dev-idp/`, or DEV_IDP_DIR / --dev-idp-dir). The token names the
 * issuer of the gateway that is running: `npm start` and `npm run gateway`
 * record it beside the key (scripts/devIdpIssuer.ts), so a region started
 * with `--port 4100` gets tokens for port 4100. `--port N` mints for a
 * gateway on port N instead, running or not; GATEWAY_PORT does so only when
 * no running gateway is recorded. `--list` prints the
 * demo users, with ages as of today.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- --as physician)" …
 */
import { parseArgs } from 'node:util';
import { helsinkiToday, systemClock } from '../domain/time.ts';
import { AuthConfigError, parseAuthConfig } from '../gateway/auth/config.ts';
import { DEMO_USERS, demoUser, describeDemoUser } from '../gateway/auth/demoUsers.ts';
import { DevIdp, MAX_TOKEN_MINUTES } from '../gateway/auth/devIdp.ts';
import { processIsRunning, runningIssuer, type IsRunning } from './devIdpIssuer.ts';

const USAGE = 'usage: npm run token -- --as <demo-user> [--minutes N] [--port N] [--dev-idp-dir DIR] | --list';

/** A refusal of the command line or of the situation; the message is for the person at the shell. */
export class TokenCommandError extends Error {
  override readonly name = 'TokenCommandError';
}

/** What the token command needs, parsed from its arguments and environment. */
export interface TokenRequest {
  readonly as: string;
  readonly minutes: number;
  /** The gateway's port, when given with `--port`; otherwise the running gateway's. */
  readonly port?: number;
  /** GATEWAY_PORT: the port when no running gateway is recorded (a recorded one wins: flags beat it at start too). */
  readonly fallbackPort?: number;
  /** The development identity provider's directory (absolute). */
  readonly dir: string;
}

/**
 * Mints the token `npm run token` prints: for the gateway on `port` when
 * given, else for the gateway recorded as running in `dir`. Throws
 * TokenCommandError when the user is unknown or no gateway is running.
 */
export async function mintDemoToken(request: TokenRequest, isRunning: IsRunning = processIsRunning): Promise<string> {
  const user = demoUser(request.as);
  if (!user)
    throw new TokenCommandError(
      `expected --as as one of ${DEMO_USERS.map((u) => u.id).join(', ')}, received ${JSON.stringify(request.as)}`,
    );
  let port = request.port;
  if (port === undefined) {
    const running = runningIssuer(request.dir, isRunning);
    if (running.ok) port = running.port;
    else if (request.fallbackPort !== undefined) port = request.fallbackPort;
    else throw new TokenCommandError(running.message);
  }
  const idp = await DevIdp.open({ dir: request.dir, port });
  const { token } = await idp.mint(user.identity, { minutes: request.minutes });
  return token;
}

/** Parses the command line and environment once; throws TokenCommandError with a one-sentence reason. */
export function parseTokenArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): TokenRequest | { readonly list: true } {
  let values: { as?: string; minutes?: string; port?: string; 'dev-idp-dir'?: string; list?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        as: { type: 'string' },
        minutes: { type: 'string' },
        port: { type: 'string' },
        'dev-idp-dir': { type: 'string' },
        list: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new TokenCommandError(err instanceof Error ? err.message : 'expected known options, received another');
  }
  if (values.list) return { list: true };
  if (!values.as) throw new TokenCommandError('expected --as with a demo user (see --list), received none');
  const minutesText = values.minutes ?? '60';
  const minutes = Number(minutesText);
  if (!/^\d+$/.test(minutesText) || minutes < 1 || minutes > MAX_TOKEN_MINUTES) {
    throw new TokenCommandError(
      `expected --minutes as a whole number from 1 to ${MAX_TOKEN_MINUTES}, received ${JSON.stringify(minutesText)}`,
    );
  }
  const portOf = (text: string | undefined, setting: string): number | undefined => {
    if (text === undefined || text.trim() === '') return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 65_535)
      throw new TokenCommandError(`expected ${setting} as the gateway's port from 1 to 65535, received ${JSON.stringify(text)}`);
    return n;
  };
  const port = portOf(values.port, '--port');
  const fallbackPort = portOf(env.GATEWAY_PORT, 'GATEWAY_PORT');
  const authEnv = values['dev-idp-dir'] ? { ...env, DEV_IDP_DIR: values['dev-idp-dir'] } : env;
  let config;
  try {
    // The port only names the issuer; the directory is what matters here.
    config = parseAuthConfig(authEnv, { port: port ?? 0, production: false });
  } catch (err) {
    if (err instanceof AuthConfigError) throw new TokenCommandError(err.message);
    throw err;
  }
  if (config.kind !== 'dev-idp')
    throw new TokenCommandError(
      'expected the development identity provider, received AUTH_ISSUER/AUTH_AUDIENCE/AUTH_JWKS_URL: tokens come from that provider',
    );
  return {
    as: values.as,
    minutes,
    dir: config.dir,
    ...(port !== undefined ? { port } : {}),
    ...(fallbackPort !== undefined ? { fallbackPort } : {}),
  };
}

async function main(): Promise<void> {
  try {
    const request = parseTokenArgs(process.argv.slice(2), process.env);
    if ('list' in request) {
      const today = helsinkiToday(systemClock);
      const width = Math.max(...DEMO_USERS.map((u) => u.id.length));
      process.stdout.write(`${DEMO_USERS.map((u) => `${u.id.padEnd(width)}  ${describeDemoUser(u, today)}`).join('\n')}\n`);
      return;
    }
    process.stdout.write(`${await mintDemoToken(request)}\n`);
  } catch (err) {
    if (!(err instanceof TokenCommandError)) throw err;
    process.stderr.write(`npm run token: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm run token: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
