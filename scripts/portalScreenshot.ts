/**
 * Screenshots of the sample portal for the README, one per language:
 * docs/portal/portal-fi.png and docs/portal/portal-sv.png, the whole page,
 * signed in as the demo citizen Ilona Rantala (a guardian: her son's
 * appointments show too), in Debian's headless Chromium (portal/browser.ts).
 *
 *   npx tsx scripts/portalScreenshot.ts                              the whole region in this process (below)
 *   npx tsx scripts/portalScreenshot.ts --url http://127.0.0.1:4000  a running region instead (npm start)
 *
 * `--user ID` signs in as another demo citizen. Without --url it starts the
 * region here as portal/portal.test.ts does: on a temporary copy of the
 * bundled fixtures, the region's clock and the browser's at the fixtures' day
 * (2026-11-23, noon in Helsinki), the development identity provider's key in
 * the temporary folder; her physician looks her up 12 times first, 3 minutes
 * apart, so her read log ("who has read my data") has entries.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { EXAMPLE_CITIZEN, demoUser } from '../gateway/auth/demoUsers.ts';
import { DevIdp } from '../gateway/auth/devIdp.ts';
import { gatewayConfigFromValues } from '../gateway/config.ts';
import { FIXTURES_NOW, browserUnavailable, launchChromium } from '../portal/browser.ts';
import { Lifecycle } from './lifecycle.ts';
import { startRegion } from './region.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../docs/portal/', import.meta.url));
const LOADED = { fi: 'Tiedot päivitetty.', sv: 'Uppgifterna har uppdaterats.' } as const;

/** The region on a copy of the bundled fixtures, its clock at FIXTURES_NOW; its URL and how to stop it. */
async function startFixturesRegion(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-screenshot-'));
  cpSync(FIXTURES, dir, { recursive: true });
  const lifecycle = new Lifecycle({ logger: pino({ level: 'silent' }), exit: () => {}, deadlineMs: 10_000 });
  const stop = async (): Promise<void> => {
    await lifecycle.stop('screenshots taken');
    rmSync(dir, { recursive: true, force: true });
  };
  let nowMs = FIXTURES_NOW.getTime();
  try {
    const region = await startRegion({
      gateway: gatewayConfigFromValues({ port: '0', 'log-level': 'silent' }, { DEV_IDP_DIR: join(dir, '.dev-idp') }),
      fixturesDir: dir,
      env: { PERSON_INDEX_POLL_MS: '3600000', PERSON_INDEX_FULL_REFRESH_MS: '0' },
      logger: pino({ level: 'silent' }),
      lifecycle,
      clock: { now: () => new Date(nowMs) },
    });
    if (!region.indexReady()) process.stderr.write('warning: the person index has not listed every source; some records may be missing\n');
    // Her physician looks her up: each lookup and read is an entry of her read log.
    const idp = await DevIdp.open({ dir: join(dir, '.dev-idp'), port: Number(new URL(region.gatewayUrl).port) });
    const { token } = await idp.mint(demoUser('physician')!.identity);
    for (let i = 0; i < 12; i++) {
      if (i > 0) nowMs += 3 * 60_000;
      const res = await fetch(`${region.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query R($h: ID!) { customer(hetu: $h) { surname } }', variables: { h: EXAMPLE_CITIZEN.hetu } }),
      });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors?.length) throw new Error(`expected the physician's lookup to succeed, received ${JSON.stringify(body.errors)}`);
    }
    return { url: region.gatewayUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, user: { type: 'string', default: 'citizen' } } });
  const unavailable = await browserUnavailable();
  if (unavailable) throw new Error(unavailable);
  if (!values.url) process.stdout.write('starting the region on the bundled fixtures…\n');
  const region = values.url ? undefined : await startFixturesRegion();
  try {
    const base = values.url ?? region!.url;
    const browser = await launchChromium();
    try {
      mkdirSync(OUT_DIR, { recursive: true });
      for (const lang of ['fi', 'sv'] as const) {
        const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: lang === 'sv' ? 'sv-FI' : 'fi-FI' });
        const page = await context.newPage();
        await page.clock.setFixedTime(FIXTURES_NOW);
        await page.goto(`${base}/portal/`);
        await page.waitForSelector('#user option', { state: 'attached' });
        if ((await page.getAttribute('html', 'lang')) !== lang) await page.click(`#language-${lang}`);
        await page.selectOption('#user', values.user!);
        await page.click('#sign-in-button');
        await page.locator('#status', { hasText: LOADED[lang] }).waitFor();
        const file = `${OUT_DIR}portal-${lang}.png`;
        await page.screenshot({ path: file, fullPage: true });
        process.stdout.write(`wrote ${file}\n`);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    await region?.stop();
  }
}

main().then(
  // Whatever timer or pool the region left would keep the process alive.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`scripts/portalScreenshot.ts: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
