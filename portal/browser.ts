/**
 * Debian's headless Chromium driven by playwright-core, as
 * migration/browser.test.ts launches it on this network (no sandbox, no GPU,
 * nothing fetched in the background), for the portal's test and screenshots.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Why the browser cannot be launched here, or undefined when it can. */
export async function browserUnavailable(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (apt-get install chromium)`;
  const moduleName = 'playwright-core';
  const playwright = await import(moduleName).catch(() => undefined);
  return playwright ? undefined : 'playwright-core is not installed (npm install --save-dev playwright-core)';
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The day the bundled fixtures were written for, at noon in Helsinki: the browser's "now" in tests and screenshots. */
export const FIXTURES_NOW = new Date('2026-11-23T10:00:00Z');
