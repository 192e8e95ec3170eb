/**
 * `npm run token -- --as <demo-user> [--minutes N]`: prints a bearer token of
 * the development identity provider for one of the demo users
 * (gateway/auth/demoUsers.ts), signed with the key the gateway uses
 * (`.data/dev-idp/`, or DEV_IDP_DIR / --dev-idp-dir; made here if none yet).
 * `--list` prints the demo users. The token names the issuer of a gateway
 * on GATEWAY_PORT / --port (default 4000).
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- --as physician)" …
 */
import { parseArgs } from 'node:util';
import { AuthConfigError, parseAuthConfig } from '../gateway/auth/config.ts';
import { DEMO_USERS, demoUser } from '../gateway/auth/demoUsers.ts';
import { DevIdp, MAX_TOKEN_MINUTES } from '../gateway/auth/devIdp.ts';

const USAGE = 'usage: npm run token -- --as <demo-user> [--minutes N] [--port N] [--dev-idp-dir DIR] | --list';

function fail(message: string): never {
  process.stderr.write(`npm run token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { as?: string; minutes?: string; port?: string; 'dev-idp-dir'?: string; list?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { as: { type: 'string' }, minutes: { type: 'string' }, port: { type: 'string' }, 'dev-idp-dir': { type: 'string' }, list: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : 'expected known options, received another');
  }

  if (values.list) {
    const width = Math.max(...DEMO_USERS.map((u) => u.id.length));
    process.stdout.write(`${DEMO_USERS.map((u) => `${u.id.padEnd(width)}  ${u.label}: ${u.note}`).join('\n')}\n`);
    return;
  }
  if (!values.as) fail('expected --as with a demo user (see --list), received none');
  const user = demoUser(values.as);
  if (!user) fail(`expected --as as one of ${DEMO_USERS.map((u) => u.id).join(', ')}, received ${JSON.stringify(values.as)}`);
  const minutesText = values.minutes ?? '60';
  const minutes = Number(minutesText);
  if (!/^\d+$/.test(minutesText) || minutes < 1 || minutes > MAX_TOKEN_MINUTES) fail(`expected --minutes as a whole number from 1 to ${MAX_TOKEN_MINUTES}, received ${JSON.stringify(minutesText)}`);
  const portText = values.port ?? process.env.GATEWAY_PORT ?? '4000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) fail(`expected --port as the gateway's port from 1 to 65535, received ${JSON.stringify(portText)}`);

  const env = values['dev-idp-dir'] ? { ...process.env, DEV_IDP_DIR: values['dev-idp-dir'] } : process.env;
  let config;
  try {
    config = parseAuthConfig(env, { port, production: false });
  } catch (err) {
    if (err instanceof AuthConfigError) fail(err.message);
    throw err;
  }
  if (config.kind !== 'dev-idp') fail('expected the development identity provider, received AUTH_ISSUER/AUTH_AUDIENCE/AUTH_JWKS_URL: tokens come from that provider');
  const idp = await DevIdp.open({ dir: config.dir, port: config.port });
  const { token } = await idp.mint(user.identity, { minutes });
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run token: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
