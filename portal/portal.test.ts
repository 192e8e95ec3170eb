/**
 * The sample citizen portal in Debian's headless Chromium (playwright-core),
 * with axe-core, on the whole region started once for the file as the e2e
 * tests start it, on the bundled fixtures (the demo citizen Ilona Rantala,
 * guardian of Onni Juhani): sign-in through the development identity
 * provider, each view in Finnish and Swedish on the region's real answers,
 * the choice of language remembered, a source taken down (its emulator's
 * fault injection) shown as a notice, an error shown readably (one answer
 * replaced in the browser by a canned GraphQL error), an expired sign-in
 * (one request sent with an expired token the region refuses),
 * keyboard-only use, no axe violation (WCAG 2.1 A and AA, and axe's best
 * practices), and every GraphQL request a trusted document (a documentId of
 * portal/public/documents.json, no query text) in the chosen language
 * (Accept-Language).
 *
 * Skips, saying why, when Chromium or playwright-core is not installed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser } from '../gateway/auth/demoUsers.ts';
import { FIXTURES_NOW, browserUnavailable, launchChromium } from './browser.ts';
import { startPortalRegion } from './testSupport.ts';
import type { PortalRegion } from './testSupport.ts';

const MANIFEST = JSON.parse(readFileSync(new URL('./public/documents.json', import.meta.url), 'utf8')) as Record<string, string>;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Axe's rules for WCAG 2.0 and 2.1, levels A and AA, and its best practices (landmarks, one h1, heading order). */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** A source of the demo citizen's records (Sipoo's Mediatri: her appointments and fees there). */
const SOURCE = 'mediatri-sipoo';

interface SentRequest {
  readonly body: { documentId?: string; query?: string; operationName?: string; variables?: unknown };
  readonly acceptLanguage: string | undefined;
}

interface Opened {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every GraphQL request the page sent. */
  readonly graphql: SentRequest[];
  /** Every URL the page asked for outside the backend's origin. */
  readonly foreign: string[];
}

const LOADED = { fi: 'Tiedot päivitetty.', sv: 'Uppgifterna har uppdaterats.' } as const;

const skip = await browserUnavailable();
if (skip) console.warn(`portal/portal.test.ts skipped: ${skip}`);

describe.skipIf(skip !== undefined)(`the sample citizen portal on the whole region${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let backend: PortalRegion;
  let browser: Browser;

  beforeAll(async () => {
    [backend, browser] = await Promise.all([startPortalRegion(), launchChromium()]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  /** A new browser context (its own storage) at the portal, the clock at the fixtures' day; `language`: the browser's preference. */
  async function open(language = 'fi-FI'): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: language });
    const page = await context.newPage();
    await page.clock.setFixedTime(FIXTURES_NOW);
    const graphql: SentRequest[] = [];
    const foreign: string[] = [];
    const origin = new URL(backend.url).origin;
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== origin) foreign.push(r.url());
      if (new URL(r.url()).pathname === '/graphql')
        graphql.push({ body: r.postDataJSON(), acceptLanguage: r.headers()['accept-language'] });
    });
    await page.goto(`${backend.url}/portal`);
    await page.waitForSelector('#user option', { state: 'attached' });
    return { context, page, graphql, foreign };
  }

  async function waitLoaded(page: Page, lang: 'fi' | 'sv'): Promise<void> {
    // Locators, not waitForFunction: the page's CSP allows no eval.
    await page.locator('#status', { hasText: LOADED[lang] }).waitFor();
  }

  async function signIn(page: Page, user = 'citizen'): Promise<void> {
    await page.selectOption('#user', user);
    await page.click('#sign-in-button');
    await waitLoaded(page, (await page.getAttribute('html', 'lang')) as 'fi' | 'sv');
  }

  /** Axe's violations of the page as it is, one line each (rule, impact, first elements). */
  async function axeViolations(page: Page): Promise<string[]> {
    if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
    return page.evaluate(
      `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] })
        .then((r) => r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')))`,
    );
  }

  const texts = (page: Page, selector: string): Promise<string[]> => page.locator(selector).allInnerTexts();
  const rowCount = (page: Page, selector: string): Promise<number> => page.locator(`${selector} tbody tr`).count();

  /** Every GraphQL request was a trusted document of the manifest, without query text, in `lang`. */
  function expectTrusted(requests: readonly SentRequest[], lang: 'fi' | 'sv'): void {
    expect(requests.length).toBeGreaterThan(0);
    const ids = new Set(Object.values(MANIFEST));
    for (const r of requests) {
      expect(r.body.query).toBeUndefined();
      expect(ids.has(r.body.documentId ?? '')).toBe(true);
      expect(MANIFEST[r.body.operationName ?? '']).toBe(r.body.documentId);
      expect(r.acceptLanguage).toBe(lang);
    }
  }

  it('signed out: the sign-in form lists the demo citizens, in Finnish, then in Swedish, with no axe violation', async () => {
    const { context, page, foreign } = await open();
    try {
      expect(await page.getAttribute('html', 'lang')).toBe('fi');
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.innerText('h1')).toBe('Omat tiedot');
      expect(await page.innerText('label[for="user"]')).toBe('Esittelyhenkilö');
      const options = await texts(page, '#user option');
      expect(options[0]).toBe('Ilona Rantala (Porvoo)');
      expect(options).toContain('Nils Sjöberg (Sipoo)');
      // Citizens only: no professional, no analyst.
      expect(options.join()).not.toMatch(/Kallioniemi|Analyst/);
      expect(await axeViolations(page)).toEqual([]);

      await page.click('#language-sv');
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      expect(await page.title()).toContain('Mina uppgifter');
      expect(await page.innerText('h1')).toBe('Mina uppgifter');
      expect(await page.innerText('#sign-in-button')).toBe('Logga in');
      expect(await page.getAttribute('#language-sv', 'aria-pressed')).toBe('true');
      expect(await axeViolations(page)).toEqual([]);
      expect(foreign).toEqual([]);

      // The check is live: an image without a text alternative is a violation it reports.
      await page.evaluate(`document.querySelector('main').append(Object.assign(document.createElement('img'), { src: 'data:,' }))`);
      expect((await axeViolations(page)).map((v) => v.split(' ')[0])).toEqual(['image-alt']);
    } finally {
      await context.close();
    }
  });

  it('each view in Finnish: next appointments, fees and the fee ceiling, the children’s appointments, the read log', async () => {
    await backend.ensureReads();
    const { context, page, graphql, foreign } = await open();
    try {
      await signIn(page);
      expect(await page.isVisible('#sign-in')).toBe(false);
      expect(await page.innerText('#signed-in-as')).toBe('Kirjautuneena: Ilona Rantala (Porvoo)');
      expect(await texts(page, '#content h2')).toEqual([
        'Tulevat ajanvaraukset',
        'Asiakasmaksut 2026',
        'Lasten ajanvaraukset',
        'Kuka on katsonut tietojani',
      ]);
      expect(await texts(page, '#appointments thead th')).toEqual(['Aika', 'Paikka', 'Kunta', 'Asiointitapa', 'Palvelualue']);
      expect(await rowCount(page, '#appointments')).toBeGreaterThan(0);
      expect(await page.innerText('#appointments caption')).toMatch(/^Seuraavat ajanvaraukset, \d+ \/ \d+$/);
      // Time in Helsinki, Finnish format; municipalities of the region.
      expect(await page.innerText('#appointments tbody tr:first-child td:first-child')).toMatch(/\d{1,2}\.\d{1,2}\.2026/);
      const municipalities = await texts(page, '#appointments tbody td:nth-child(3)');
      expect(municipalities).toEqual(expect.arrayContaining(['Porvoo', 'Sipoo']));
      expect(await page.locator('#fees .ceiling h3').first().innerText()).toBe('Maksukatto 2026');
      expect(await texts(page, '#fees dt')).toEqual(['Maksukattoon kertynyt', 'Maksukatto', 'Maksukatto täyttyi']);
      expect(await rowCount(page, '#fees table.fees-year')).toBeGreaterThan(0);
      expect(await page.locator('#children h3').count()).toBeGreaterThan(0);
      expect(await rowCount(page, '#reads')).toBe(10);
      expect(await page.isVisible('#reads-more')).toBe(true);
      expect(await page.locator('.notice').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      expectTrusted(graphql, 'fi');
      expect(new Set(graphql.map((r) => r.body.operationName))).toEqual(new Set(Object.keys(MANIFEST)));
      expect(foreign).toEqual([]);

      // The bundled fixtures' content: her next appointments in Porvoo and Sipoo, soonest first, the units'
      // Finnish names from the organisation register.
      expect(await texts(page, '#appointments tbody td:nth-child(2)')).toEqual([
        'Porvoo vastaanotto',
        'Sipoo vastaanotto',
        'Porvoo terveysasema',
      ]);
      expect(await page.innerText('#appointments tbody tr:first-child td:first-child')).toMatch(/^ke 23\.12\.2026 klo 10\.00\s+20 min$/);
      expect(await texts(page, '#appointments tbody tr:nth-child(2) td')).toEqual([
        expect.stringContaining('ke 30.12.2026'),
        'Sipoo vastaanotto',
        'Sipoo',
        'Videovastaanotto',
        'Perusterveydenhuolto',
      ]);
      expect(await page.innerText('#fees .ceiling-state')).toMatch(/^Maksukatto ei ole täyttynyt\. Jäljellä 651,80\s€\.$/);
      expect(await page.innerText('#fees .ceiling')).toContain('Mukana myös huollettavien maksut: Onni Juhani.');
      expect(await page.innerText('#fees .ceiling')).toContain('Maksukaton täyttymisen jälkeen ei ole veloitettu maksuja.');
      expect(await page.innerText('#fees table.fees-year caption')).toBe('Vuoden 2026 maksut, 7 / 7');
      expect(await texts(page, '#fees table.fees-year tbody tr:first-child td')).toEqual([
        '7.5.2026',
        'Avosairaanhoidon käyntimaksu',
        'Sipoo',
        expect.stringMatching(/^20,60\s€$/),
        'Maksettu',
      ]);
      expect(await texts(page, '#children h3')).toEqual(['Onni Juhani']);
      expect(await texts(page, '#children tbody td:nth-child(2)')).toEqual(['Porvoo hammashoitola']);
      // Newest first: her physician's last lookup (a lookup names no data group) and read.
      expect(await texts(page, '#reads tbody tr:first-child td')).toEqual([
        expect.stringMatching(/^ma 23\.11\.2026 klo 12\.33$/),
        'Lotta Kallioniemi\nAmmattilainen',
        expect.stringMatching(/^(Tietojen katselu|Henkilön haku henkilötunnuksella)$/),
        expect.stringMatching(/^(Perustiedot|–)$/),
        'sallittu',
        'Ammattirooli',
      ]);
    } finally {
      await context.close();
    }
  });

  it('each view in Swedish, the choice remembered over a reload (localStorage), the requests in Swedish (Accept-Language)', async () => {
    const { context, page, graphql } = await open();
    try {
      await signIn(page);
      await page.click('#language-sv');
      await waitLoaded(page, 'sv');
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      expect(await page.evaluate('localStorage.getItem("region-graph.portal.lang")')).toBe('sv');
      const check = async (): Promise<void> => {
        expect(await texts(page, '#content h2')).toEqual([
          'Kommande tidsbokningar',
          'Klientavgifter 2026',
          'Barnens tidsbokningar',
          'Vem har läst mina uppgifter',
        ]);
        expect(await texts(page, '#appointments thead th')).toEqual(['Tid', 'Plats', 'Kommun', 'Kontaktsätt', 'Serviceområde']);
        expect(await texts(page, '#appointments tbody td:nth-child(3)')).toEqual(expect.arrayContaining(['Borgå', 'Sibbo']));
        expect(await texts(page, '#fees dt')).toEqual(['Inräknat i avgiftstaket', 'Avgiftstak', 'Avgiftstaket nåddes']);
        expect(await rowCount(page, '#reads')).toBe(10);
        expect(await page.innerText('#reads-more')).toBe('Visa fler');
        expect(await axeViolations(page)).toEqual([]);
      };
      await check();
      // The units' Swedish names from the organisation register, the fees' Swedish descriptions.
      expect(await texts(page, '#appointments tbody td:nth-child(2)')).toEqual([
        'Borgå mottagning',
        'Sibbo mottagning',
        'Borgå hälsostation',
      ]);
      expect(await page.innerText('#appointments tbody tr:first-child td:first-child')).toMatch(/^ons 23\.12\.2026 10\.00\s+20 min$/);
      expect(await texts(page, '#appointments tbody tr:first-child td')).toEqual([
        expect.any(String),
        'Borgå mottagning',
        'Borgå',
        'Besök på mottagningen',
        'Primärvård',
      ]);
      expect(await page.innerText('#fees .ceiling-state')).toMatch(/^Avgiftstaket har inte nåtts\. 651,80\s€ återstår\.$/);
      expect(await texts(page, '#fees table.fees-year tbody td:nth-child(2)')).toEqual([
        'Besöksavgift inom öppen sjukvård',
        'Självriskandel för färdtjänst',
        'Besöksavgift inom öppen sjukvård',
        'Klientavgift för social rehabilitering',
        'Besöksavgift inom öppen sjukvård',
        'Klientavgift för social rehabilitering',
        'Självriskandel för färdtjänst',
      ]);
      expect(await texts(page, '#fees table.fees-year tbody td:nth-child(5)')).toEqual(expect.arrayContaining(['Betald', 'Öppen']));
      // Every fee has a Swedish description or kind: none is left in Finnish.
      expect(await page.locator('#fees td span[lang="fi"]').count()).toBe(0);
      expect(await texts(page, '#children tbody td:nth-child(2)')).toEqual(['Borgå tandklinik']);
      expect(await texts(page, '#children tbody td:nth-child(5)')).toEqual(['Munhälsovård']);
      expect(await texts(page, '#reads tbody tr:first-child td')).toEqual([
        expect.stringContaining('23.11.2026'),
        'Lotta Kallioniemi\nYrkesperson',
        expect.stringMatching(/^(Visning av uppgifter|Sökning av person med personbeteckning)$/),
        expect.stringMatching(/^(Basuppgifter|–)$/),
        'tillåten',
        'Yrkesroll',
      ]);
      expectTrusted(graphql.slice(graphql.findIndex((r) => r.acceptLanguage === 'sv')), 'sv');

      // Reloaded: Swedish still, and still signed in for this browser session.
      await page.reload();
      await waitLoaded(page, 'sv');
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      await check();
    } finally {
      await context.close();
    }
  });

  it('a browser preferring Swedish opens in Swedish; the choice of Finnish overrides it', async () => {
    const { context, page } = await open('sv-FI');
    try {
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      await page.click('#language-fi');
      await page.reload();
      await page.waitForSelector('#user option', { state: 'attached' });
      expect(await page.getAttribute('html', 'lang')).toBe('fi');
    } finally {
      await context.close();
    }
  });

  it('shows a source that could not be read as a visible notice naming it, in both languages', async () => {
    const { context, page } = await open();
    try {
      backend.dropSource(SOURCE);
      await signIn(page);
      const notice = page.locator('#appointments .notice');
      expect(await notice.count()).toBe(1);
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.innerText()).toContain(`Tietoja puuttuu: lähdettä ${SOURCE} ei saatu luettua`);
      expect(await page.locator('#fees .notice', { hasText: SOURCE }).count()).toBe(1);
      // The live region says so too.
      expect(await page.innerText('#status')).toContain(SOURCE);
      expect(await axeViolations(page)).toEqual([]);

      await page.click('#language-sv');
      await waitLoaded(page, 'sv');
      expect(await page.locator('#appointments .notice').innerText()).toContain(`Uppgifter saknas: källan ${SOURCE} kunde inte läsas`);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.innerText('#fees .ceiling')).toContain('Alla källor kunde inte läsas');
    } finally {
      backend.restore();
      await context.close();
    }
  });

  it('shows an error readably, with its code, where the view would be', async () => {
    const { context, page } = await open();
    try {
      // The read log's answer, once, as the gateway answers when the region subgraph cannot be reached.
      let replaced = 0;
      await page.route('**/graphql', async (route) => {
        if (replaced > 0 || route.request().postDataJSON()?.operationName !== 'PortalDataReads') return route.fallback();
        replaced++;
        return route.fulfill({
          status: 200,
          contentType: 'application/graphql-response+json; charset=utf-8',
          body: JSON.stringify({
            data: null,
            errors: [
              {
                message: 'Palvelua region ei tavoitettu; vastauksesta puuttuvat sen tiedot.',
                path: ['me'],
                extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'region' },
              },
            ],
          }),
        });
      });
      await signIn(page);
      expect(replaced).toBe(1);
      const error = page.locator('#reads .error');
      expect(await error.innerText()).toBe(
        'Tietoja ei saatu haettua: Palvelua region ei tavoitettu; vastauksesta puuttuvat sen tiedot. (SUBGRAPH_UNAVAILABLE)',
      );
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await page.isVisible('#reads-more')).toBe(false);
      // The other views are there.
      expect(await rowCount(page, '#appointments')).toBeGreaterThan(0);
      expect(await rowCount(page, '#fees table.fees-year')).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an expired sign-in (UNAUTHENTICATED) returns to the sign-in form with a message', async () => {
    const { context, page } = await open();
    try {
      await signIn(page);
      // From now on the page's requests carry a token that expired an hour ago: the region refuses it.
      const expired = await backend.region.tokenFor(demoUser('citizen')!.identity, {
        minutes: 5,
        now: new Date(Date.now() - 65 * 60_000),
      });
      await page.route('**/graphql', (route) =>
        route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${expired}` } }),
      );
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql');
      await page.click('#language-sv');
      const answer = await refused;
      expect(answer.status()).toBe(401);
      expect(answer.headers()['www-authenticate']).toContain('error="invalid_token"');
      expect((await answer.json()).errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' }) }),
      ]);
      await page.waitForSelector('#sign-in:not([hidden])');
      expect(await page.innerText('#alert')).toBe('Din inloggning har gått ut. Logga in igen.');
      expect(await page.isVisible('#content')).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('works with the keyboard alone: sign-in, language switch and "more", with a visible focus', async () => {
    await backend.ensureReads();
    const { context, page } = await open();
    try {
      /** Presses Tab (Shift+Tab backwards) until `selector` has focus; fails after 40 presses. */
      const tabTo = async (selector: string, backwards = false): Promise<void> => {
        for (let i = 0; i < 40; i++) {
          await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
          if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
        }
        throw new Error(`expected to reach ${selector} with the keyboard, received no such focus after 40 presses`);
      };
      const focusVisible = (): Promise<boolean> =>
        page.evaluate(
          `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()`,
        );
      const focusedId = (): Promise<string> => page.evaluate('document.activeElement?.id ?? ""');

      // The first stop is the skip link.
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.className')).toBe('skip-link');
      expect(await focusVisible()).toBe(true);

      await tabTo('#user');
      expect(await focusVisible()).toBe(true);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
      expect(await page.inputValue('#user')).toBe('citizen');
      await tabTo('#sign-in-button');
      expect(await focusVisible()).toBe(true);
      await page.keyboard.press('Enter');
      await waitLoaded(page, 'fi');
      // The form is gone: focus is at the start of the content.
      expect(await focusedId()).toBe('main');

      await tabTo('#language-sv', true);
      expect(await focusVisible()).toBe(true);
      await page.keyboard.press('Enter');
      await waitLoaded(page, 'sv');
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      expect(await focusedId()).toBe('language-sv');
      await page.keyboard.press('Shift+Tab');
      expect(await focusedId()).toBe('language-fi');
      await page.keyboard.press('Space');
      await waitLoaded(page, 'fi');
      expect(await page.getAttribute('html', 'lang')).toBe('fi');

      await tabTo('#reads-more');
      expect(await focusVisible()).toBe(true);
      await page.keyboard.press('Enter');
      await page.locator('#reads tbody tr:nth-child(11)').waitFor({ state: 'attached' });
      expect(await rowCount(page, '#reads')).toBe(20);
      // Focus moves to the first entry added.
      expect(await page.evaluate(`document.activeElement === document.querySelector('#reads tbody tr:nth-child(11)')`)).toBe(true);
      expect(await focusVisible()).toBe(true);
      expect(await page.innerText('#reads caption')).toBe('Tietojesi katselut, 20 näytetty');
      // The last page: her physician's 12 lookups, each a lookup and a read, 3 minutes apart, newest first.
      await tabTo('#reads-more');
      await page.keyboard.press('Enter');
      await page.locator('#reads tbody tr:nth-child(21)').waitFor({ state: 'attached' });
      expect(await rowCount(page, '#reads')).toBe(24);
      expect(await page.isVisible('#reads-more')).toBe(false);
      const times = (await page.evaluate(
        `[...document.querySelectorAll('#reads tbody tr td:first-child time')].map((t) => t.dateTime)`,
      )) as string[];
      expect(new Set(times).size).toBe(12);
      expect([...times].sort().reverse()).toEqual(times);
      expect(await axeViolations(page)).toEqual([]);

      // Sign out and in again with the keyboard.
      await tabTo('#sign-out', true);
      await page.keyboard.press('Enter');
      expect(await focusedId()).toBe('user');
      expect(await page.isVisible('#content')).toBe(false);
    } finally {
      await context.close();
    }
  });
});
