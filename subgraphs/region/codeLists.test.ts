import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { CODE_LISTS } from '../../domain/codeLabels.ts';
import { silentLogger } from '../server/logger.ts';
import { FakeVtj, gql, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import { openDatabase } from '../database/database.ts';
import { AuditStore, EmergencyAccessStore } from '../audit/index.ts';
import { createMemoryLocator } from './memoryLocator.ts';
import { createRegionSubgraph } from './subgraph.ts';

const db = await openDatabase({ kind: 'pglite' });
const vtj = new FakeVtj({});
const locator = createMemoryLocator();
const app = createRegionSubgraph({
  vtj,
  locator,
  logger: silentLogger,
  internalKey: TEST_INTERNAL_KEY,
  audit: await AuditStore.open(db),
  emergency: await EmergencyAccessStore.open(db),
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const QUERY = `{ codeLists { name codes { code fi sv en } } }`;

describe('region subgraph: Query.codeLists', () => {
  it('serves every code list with Finnish, Swedish and English labels to an anonymous caller, reading no source', async () => {
    const r = await gql(app, QUERY, {}, null);
    expect(r.errors).toBeUndefined();
    const lists = r.data!.codeLists as { name: string; codes: { code: string; fi: string; sv: string; en: string }[] }[];
    expect(lists.map((l) => l.name)).toEqual(Object.keys(CODE_LISTS));
    expect(lists.find((l) => l.name === 'CareArea')).toEqual({
      name: 'CareArea',
      codes: [
        { code: 'PRIMARY_HEALTH', fi: 'Perusterveydenhuolto', sv: 'Primärvård', en: 'Primary health care' },
        { code: 'ORAL_HEALTH', fi: 'Suun terveydenhuolto', sv: 'Munhälsovård', en: 'Oral health care' },
        { code: 'SOCIAL', fi: 'Sosiaalihuolto', sv: 'Socialvård', en: 'Social care' },
      ],
    });
    expect(lists.find((l) => l.name === 'ContactMode')).toEqual({
      name: 'ContactMode',
      codes: [
        { code: 'ON_SITE', fi: 'Käynti vastaanotolla', sv: 'Besök på mottagningen', en: 'In person' },
        { code: 'PHONE', fi: 'Puhelinaika', sv: 'Telefontid', en: 'Phone' },
        { code: 'VIDEO', fi: 'Videovastaanotto', sv: 'Videomottagning', en: 'Video' },
        { code: 'HOME_VISIT', fi: 'Kotikäynti', sv: 'Hembesök', en: 'Home visit' },
      ],
    });
    expect(lists.find((l) => l.name === 'FeeKind')?.codes[0]).toEqual({
      code: 'OUTPATIENT_VISIT',
      fi: 'Avosairaanhoidon käynti',
      sv: 'Besök inom öppen sjukvård',
      en: 'Outpatient care visit',
    });
    expect(vtj.calls).toEqual([]);
    expect(locator.calls).toEqual([]);
  });

  it('serves the same lists to a signed-in citizen', async () => {
    const anonymous = await gql(app, QUERY, {}, null);
    const citizen = await gql(app, QUERY, {}, { kind: 'citizen', sub: 'c', hetu: makeHetu('2001-01-01', 942) });
    expect(citizen.errors).toBeUndefined();
    expect(citizen.data).toEqual(anonymous.data);
  });
});
