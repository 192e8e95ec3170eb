/**
 * `npm run token` mints for the gateway that is running (issue 10, defect 6):
 * after `npm start -- --port 4100` its tokens name the 4100 issuer, which the
 * gateway accepts, instead of assuming port 4000 (401 WRONG_ISSUER); with no
 * region running it says so.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../gateway/auth/authenticator.ts';
import { demoUser } from '../gateway/auth/demoUsers.ts';
import { ISSUER_FILE, recordIssuer } from './devIdpIssuer.ts';
import { mintDemoToken, parseTokenArgs, TokenCommandError } from './token.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'token-cmd-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const running = (): boolean => true;
const stopped = (): boolean => false;

describe('npm run token', () => {
  it('mints a token the gateway started with --port 4100 accepts, reading the issuer that gateway recorded', async () => {
    // What `npm start -- --port 4100` does: its development identity provider (the key), then the record.
    const gateway = await createAuthenticator({ kind: 'dev-idp', dir, port: 4100 });
    recordIssuer(dir, 4100);
    const request = parseTokenArgs(['--as', 'citizen', '--dev-idp-dir', dir], {});
    expect(request).not.toHaveProperty('port');
    const token = await mintDemoToken(request as Exclude<typeof request, { list: true }>, running);
    expect(await gateway.authenticate(`Bearer ${token}`)).toEqual(demoUser('citizen')!.identity);
    // The port the command used to assume would have been refused by that gateway.
    const assumed = await mintDemoToken({ as: 'citizen', minutes: 5, dir, port: 4000 }, running);
    await expect(gateway.authenticate(`Bearer ${assumed}`)).rejects.toMatchObject({ reason: 'WRONG_ISSUER' });
  });

  it('says no region is running when none recorded itself, and when the one that did has stopped', async () => {
    await expect(mintDemoToken({ as: 'citizen', minutes: 5, dir }, running)).rejects.toThrow(/no region is running .*npm start.*--port N/);
    recordIssuer(dir, 4100, 999_999);
    await expect(mintDemoToken({ as: 'citizen', minutes: 5, dir }, stopped)).rejects.toThrow(/that ran on port 4100 .* has stopped/);
    await expect(mintDemoToken({ as: 'citizen', minutes: 5, dir }, stopped)).rejects.toBeInstanceOf(TokenCommandError);
  });

  it('with --port mints for that port, running or not; GATEWAY_PORT only when no running gateway is recorded', async () => {
    const gateway = await createAuthenticator({ kind: 'dev-idp', dir, port: 4200 });
    const mint = (argv: string[], env: Record<string, string>) => {
      const request = parseTokenArgs([...argv, '--dev-idp-dir', dir], env);
      if ('list' in request) throw new Error('not a token request');
      return mintDemoToken(request, running);
    };
    const accepted = async (token: Promise<string>) =>
      expect(await gateway.authenticate(`Bearer ${await token}`)).toEqual(demoUser('physician')!.identity);
    await accepted(mint(['--as', 'physician', '--port', '4200'], {}));
    await accepted(mint(['--as', 'physician'], { GATEWAY_PORT: '4200' }));
    recordIssuer(dir, 4100);
    await accepted(mint(['--as', 'physician', '--port', '4200'], {}));
    // A running gateway recorded on 4100 wins over GATEWAY_PORT (npm start's --port beats it too).
    await expect(gateway.authenticate(`Bearer ${await mint(['--as', 'physician'], { GATEWAY_PORT: '4200' })}`)).rejects.toMatchObject({
      reason: 'WRONG_ISSUER',
    });
    expect(() => parseTokenArgs(['--as', 'physician', '--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseTokenArgs(['--as', 'physician'], { GATEWAY_PORT: 'x' })).toThrow(/GATEWAY_PORT/);
  });

  it('a stopping gateway removes its record, but not one a later gateway wrote', () => {
    const forget = recordIssuer(dir, 4100, 111);
    forget();
    expect(existsSync(join(dir, ISSUER_FILE))).toBe(false);
    const forgetFirst = recordIssuer(dir, 4100, 111);
    recordIssuer(dir, 4300, 222);
    forgetFirst();
    expect(existsSync(join(dir, ISSUER_FILE))).toBe(true);
  });
});
