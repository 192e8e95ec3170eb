/**
 * Writes a result as `{name}.json` (everything, details with identity codes
 * included: for machines and for the migration team's own follow-up) and
 * `{name}.html` (the self-contained report without personal data).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import type { CommandResult } from './types.ts';

/** Writes both files into `outDir` (created if missing); returns their paths. */
export async function writeReports(result: CommandResult, outDir: string, name: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, `${name}.json`);
  const html = join(outDir, `${name}.html`);
  await writeFile(json, `${JSON.stringify(result, null, 1)}\n`, 'utf8');
  await writeFile(html, renderHtml(result), 'utf8');
  return [json, html];
}
