import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_DOC, settingsReference, withReference } from './reference.ts';
import { SETTINGS } from './settings.ts';

describe('README.md, Deploying, Reference', () => {
  it('holds the reference generated from SETTINGS (node --import tsx scripts/service/reference.ts --write)', () => {
    const doc = readFileSync(REFERENCE_DOC, 'utf8');
    expect(withReference(doc)).toBe(doc);
  });

  it('has one row per setting, secrets marked with their _FILE form', () => {
    const rows = settingsReference().split('\n').slice(2);
    expect(rows).toHaveLength(SETTINGS.length);
    expect(rows.find((r) => r.startsWith('| `database.url` |'))).toBe(
      '| `database.url` | `DATABASE_URL` (or `DATABASE_URL_FILE`) | unset (PGlite) | region, lists | PostgreSQL connection string (secret) |',
    );
  });
});
