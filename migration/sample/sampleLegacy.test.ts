/**
 * `sample` of a ProConsona instance with legacy identity codes through the
 * CLI: the sample keeps the forms (lower case, spaces, no century sign) and
 * a municipality outside the instance, so the adapter's issues reproduce;
 * writing over the fixtures read is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { instance as instanceOf, makeHetu, type InstanceId, type VtjPerson } from '../../domain/index.ts';
import type { HetuForm, IntendedRecords } from '../../fixtures/generator/types.ts';
import { PRODUCT_WRITERS, createVtjWriter } from '../../fixtures/generator/writers/index.ts';
import { main } from '../cli.ts';
import type { CommandResult } from '../report/types.ts';
import { hasWord, sampleText, samplePersons, sampleWorkspace } from './testSupport.ts';

const TODAY = '2026-11-23';
const { root, sample } = sampleWorkspace();

describe('sample of a ProConsona instance with legacy identity codes', () => {
  const INSTANCE: InstanceId = 'proconsona-loviisa';
  const cases: { hetu: string; surname: string; form: HetuForm; municipality: string }[] = [
    { hetu: makeHetu('1952-10-13', 909), surname: 'Virtanen', form: 'canonical', municipality: '434' },
    { hetu: makeHetu('1994-05-01', 902, 'Y'), surname: 'Åberg', form: 'lowercase', municipality: '407' },
    { hetu: makeHetu('2016-05-02', 904, 'C'), surname: 'Korhonen', form: 'spaces', municipality: '434' },
    { hetu: makeHetu('1980-01-15', 911), surname: 'Mäkinen', form: 'noCentury', municipality: '434' },
    { hetu: makeHetu('1966-06-06', 933), surname: 'Porvoolainen', form: 'canonical', municipality: '638' },
  ];
  let region: string;
  let out: string;
  let result: CommandResult;
  let code: number;

  function intended(c: (typeof cases)[number], n: number): IntendedRecords {
    const prov = { instance: INSTANCE, product: 'proconsona', municipality: '434', localId: String(n) } as const;
    return {
      hetu: c.hetu,
      instance: INSTANCE,
      hetuForm: c.form,
      person: {
        hetu: c.hetu,
        surname: c.surname,
        firstNames: 'Sofia Linnéa',
        municipality: c.municipality,
        language: 'sv',
        address: { street: 'Storgatan 5', postalCode: '07900', city: 'Lovisa' },
        turvakielto: false,
        changedAt: '2025-10-26T03:30:00+03:00',
        source: prov,
      },
      customerships: [
        {
          careArea: 'SOCIAL',
          serviceTask: 'OLDER_PEOPLE',
          unit: 'Hemvård Lovisa',
          responsibleWorker: 'Åsa Öberg',
          startDate: '2024-01-15',
          extraSensitive: false,
          source: { ...prov, localId: `${n}1` },
        },
      ],
      decisions: [
        {
          customershipId: `${n}1`,
          service: 'Hemvård',
          decisionDate: '2024-01-10',
          validFrom: '2024-01-15',
          outcome: 'GRANTED',
          source: { ...prov, localId: `${n}2` },
        },
      ],
      plans: [],
      appointments: [],
      fees: [
        {
          careArea: 'SOCIAL',
          register: 'SOCIAL',
          date: '2025-02-01',
          description: 'Hemvårdsavgift',
          amountCents: 2060,
          accruesToCeiling: true,
          status: 'OPEN',
          source: { ...prov, localId: `${n}3` },
        },
      ],
      consents: [],
    };
  }

  function vtj(c: (typeof cases)[number]): VtjPerson {
    return {
      hetu: c.hetu,
      hetuInForce: true,
      surname: c.surname,
      firstNames: 'Sofia Linnéa',
      turvakielto: false,
      guardians: [],
      dependants: [],
    };
  }

  beforeAll(async () => {
    region = join(root(), 'proconsona');
    const writer = PRODUCT_WRITERS.proconsona({ outDir: region, instance: instanceOf(INSTANCE), today: TODAY });
    const vtjWriter = createVtjWriter(region);
    cases.forEach((c, i) => {
      writer.write(intended(c, i + 1));
      vtjWriter.write(vtj(c));
    });
    await writer.close();
    await vtjWriter.close();
    ({ code, out, result } = await sample([INSTANCE, '--persons', '10', '--fixtures', region, '--today', TODAY]));
  }, 60_000);

  it('keeps each legacy form, so the adapter normalises the same codes and files the same municipality', async () => {
    expect(code).toBe(0);
    expect(result.status).toBe('clean');
    expect(result.summary).toMatchObject({ persons: 5, readBackEqual: 5 });
    const sample = samplePersons(result);
    expect(sample.map((p) => p.hetuForm).sort()).toEqual(['canonical', 'canonical', 'lowercase', 'noCentury', 'spaces']);
    const rows = readFileSync(join(out, INSTANCE, 'V_ASIAKAS.tsv'), 'utf8');
    for (const p of sample) {
      const written = { canonical: p.hetu, lowercase: p.hetu.toLowerCase(), noCentury: p.hetu.slice(0, 6) + p.hetu.slice(7) } as Record<
        string,
        string
      >;
      if (p.hetuForm === 'spaces') expect(rows).toMatch(new RegExp(`\t ?${p.hetu.slice(0, 6)} ?${p.hetu.slice(6).replace('+', '\\+')} \t`));
      else expect(rows).toContain(`\t${written[p.hetuForm]}\t`);
      if (p.hetuForm === 'lowercase') expect(p.hetu).not.toBe(p.hetu.toLowerCase()); // lower case shows only in a code with a letter
    }
    const issues = result.sections.find((s) => s.id === 'issues')!.table!.rows;
    expect(issues).toContainEqual(['NORMALISED_IDENTITY_CODE', 3, 3]);
    expect(issues).toContainEqual(['MUNICIPALITY_OUTSIDE_INSTANCE', 1, 1]);
    const { bytes, text } = sampleText(out);
    for (const c of cases) {
      expect(bytes).not.toContain(c.hetu);
      expect(bytes.toLowerCase()).not.toContain(c.hetu.toLowerCase());
      expect(bytes).not.toContain(c.hetu.slice(0, 6) + c.hetu.slice(7));
      for (const w of [c.surname, 'Sofia', 'Linnéa', 'Storgatan', 'Åsa', 'Öberg']) expect(hasWord(text, w), w).toBe(false);
    }
    expect(text).toContain('Hemvård Lovisa'); // units and services are kept
  });

  it('refuses to write into the directory it reads: could not run, exit 2, one sentence', async () => {
    let stderr = '';
    const exit = await main(['sample', INSTANCE, '--persons', '5', '--fixtures', region, '--out', region], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
    });
    expect(exit).toBe(2);
    expect(stderr).toBe(
      'npm run migration: Expected --out to differ from the fixtures directory, which the sample would overwrite, received the same directory.\n',
    );
  });
});
