/**
 * Screenshots of the sample portal for the README, one per language:
 * docs/portal/portal-fi.png and docs/portal/portal-sv.png, signed in as the
 * demo citizen Ilona Rantala, the browser's clock at the bundled fixtures'
 * day (2026-11-23), in Debian's headless Chromium.
 *
 *   npx tsx portal/screenshot.ts                         against the fake region (portal/fake.ts)
 *   npx tsx portal/screenshot.ts --url http://127.0.0.1:4000   against a running region (npm start)
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FIXTURES_NOW, browserUnavailable, launchChromium } from './browser.ts';
import { startFakeRegion } from './fake.ts';

const OUT_DIR = fileURLToPath(new URL('../docs/portal/', import.meta.url));
const LOADED = { fi: 'Tiedot päivitetty.', sv: 'Uppgifterna har uppdaterats.' } as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, user: { type: 'string', default: 'citizen' } } });
  const unavailable = await browserUnavailable();
  if (unavailable) throw new Error(unavailable);
  const fake = values.url ? undefined : await startFakeRegion();
  const base = values.url ?? fake!.url;
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
    await fake?.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`portal/screenshot.ts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
