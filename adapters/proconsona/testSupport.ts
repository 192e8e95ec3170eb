/**
 * Literal fixture files for the adapter-against-emulator tests (one
 * instance, proconsona-loviisa), exactly as the vendor's COPY text format
 * writes them, and a fake population register.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersonDirectory } from '../../domain/index.ts';

export const FIXTURE_FILES: Readonly<Record<string, string>> = {
  'V_ASIAKAS.tsv': [
    'ASIAKAS_ID\tHETU\tSUKUNIMI\tETUNIMET\tKUNTA_KOODI\tKIELI_KOODI\tLAHIOSOITE\tPOSTINUMERO\tPOSTITOIMIPAIKKA\tTURVAKIELTO\tMUUTETTU',
    '1\t131052-9085\tVirtanen\tMatti Juhani\t434\t1\tMannerheimintie 1 \\\\ B\t07900\tLOVIISA\t0\t2025-03-30 02:30:00',
    '2\t010594y9021\tÅberg\tSofia Linnéa\t407\t2\tStorgatan 5\t07880\tLAPPTRÄSK\t1\t2025-10-26 03:30:00',
    '3\t 020516 C903K \tKorhonen\tAino\t434\t9\t\\N\t\\N\t\\N\t0\t2025-03-30 04:30:00',
    '4\t150180911H\tMäkinen\tPekka\t434\t1\tKoulukatu 2\t07900\tLOVIISA\t0\t2025-01-10 12:00:00',
    '5\t0303019143\tNieminen\tLiisa\t434\t1\t\\N\t\\N\t\\N\t0\t2025-01-11 12:00:00',
    '6\t201147921L\tLehtinen\tOlli\t434\t1\t\\N\t\\N\t\\N\t0\t2025-01-12 12:00:00',
    '7\t\\N\tTilapäinen\tAsiakas\t434\t\\N\t\\N\t\\N\t\\N\t0\t2025-01-13 12:00:00',
    '8\t060666-933V\tVirhe\tVille\t434\t1\t\\N\t\\N\t\\N\t0\t2025-01-14 12:00:00',
    '9\t060666-933U\tPorvoolainen\tPia\t638\t1\t\\N\t\\N\t\\N\t0\t\\N',
    '',
  ].join('\n'),
  'V_PALVELUTEHTAVA.tsv': [
    'ID\tNIMI',
    '1\tIäkkäiden palvelut',
    '2\tVammaispalvelut',
    '3\tLapsiperheiden palvelut',
    '4\tLastensuojelu',
    '5\tTyöikäisten sosiaalityö',
    '6\tPäihdepalvelut',
    '7\tPerheoikeudelliset palvelut',
    '',
  ].join('\n'),
  'V_ASIAKKUUS.tsv': [
    'ASIAKKUUS_ID\tASIAKAS_ID\tPALVELUTEHTAVA_ID\tYKSIKKO_NIMI\tTYONTEKIJA_NIMI\tALKAA\tPAATTYY\tSALAINEN',
    '101\t1\t1\tKotihoito Loviisa\tSari Salo\t2024-01-15\t\\N\t0',
    '102\t1\t4\tLastensuojelu\t\\N\t2023-06-01\t2024-12-31\t1',
    '103\t2\t2\tHandikappservice Lappträsk\tÅsa Öberg\t2022-02-02\t\\N\t0',
    '104\t4\t5\tAikuissosiaalityö\t\\N\t2025-01-01\t\\N\t0',
    '105\t5\t6\tPäihdepalvelut\t\\N\t2025-01-01\t\\N\t0',
    '106\t1\t8\tTuntematon\t\\N\t2025-01-01\t\\N\t0',
    '107\t7\t1\tKotihoito Loviisa\t\\N\t2025-01-13\t\\N\t0',
    '',
  ].join('\n'),
  'V_PAATOS.tsv': [
    'PAATOS_ID\tASIAKKUUS_ID\tPALVELU\tPAATOSPVM\tALKAA\tPAATTYY\tMYONTEINEN',
    '201\t101\tKotihoito\t2024-01-10\t2024-01-15\t\\N\t1',
    '202\t103\tPersonlig assistans\t2022-01-20\t2022-02-02\t2025-12-31\t0',
    '203\t107\tKotihoito\t2025-01-10\t2025-01-13\t\\N\t1',
    '',
  ].join('\n'),
  'V_SUUNNITELMA.tsv': [
    'SUUNNITELMA_ID\tASIAKKUUS_ID\tTYYPPI\tLAADITTU\tTARKISTETAAN\tLAATIJA',
    '301\t101\tAsiakassuunnitelma\t2024-01-20\t2025-01-20\tSari Salo',
    '302\t103\tPalvelusuunnitelma\t2022-03-01\t\\N\t\\N',
    '303\t101\tHoitosuunnitelma\t2024-02-01\t\\N\t\\N',
    '304\t107\tAsiakassuunnitelma\t2025-01-13\t\\N\t\\N',
    '',
  ].join('\n'),
  'V_MAKSU.tsv': [
    'MAKSU_ID\tASIAKAS_ID\tPVM\tSELITE\tSUMMA_SNT\tKATTOON\tTILA',
    '401\t1\t2025-02-01\tKotihoidon asiakasmaksu\t2060\t1\tA',
    '402\t1\t2025-03-01\tAteriapalvelu\\tkevät\t1234567\t0\tM',
    '403\t2\t2025-04-01\tHemvård\t99\t1\tX',
    '404\t1\t2025-05-01\tTuntematon tila\t100\t1\tZ',
    '405\t1\t2025-13-01\tPäivämäärä väärin\t100\t1\tA',
    '406\t7\t2025-02-01\tKotihoidon asiakasmaksu\t2060\t1\tA',
    '407\t7\t2025-03-01\tKotihoidon asiakasmaksu\t2060\t1\tA',
    '',
  ].join('\n'),
  'V_SUOSTUMUS.tsv': [
    'SUOSTUMUS_ID\tASIAKAS_ID\tTYYPPI\tANNETTU\tPERUTTU',
    '501\t1\tLUOVUTUS_TERVEYDENHUOLTOON\t2024-01-15\t\\N',
    '502\t2\tKIELTO_HUOLTAJALLE\t2023-01-01\t2024-06-30',
    '503\t7\tLUOVUTUS_TERVEYDENHUOLTOON\t2025-01-13\t\\N',
    '',
  ].join('\n'),
};

/** Writes the fixture files into a fresh region directory; returns it. */
export function writeFixtureDir(instance = 'proconsona-loviisa'): string {
  const dir = mkdtempSync(join(tmpdir(), 'proconsona-'));
  mkdirSync(join(dir, instance));
  for (const [name, text] of Object.entries(FIXTURE_FILES)) writeFileSync(join(dir, instance, name), text, 'utf8');
  return dir;
}

/** A fake population register: code → surname; counts its calls. */
export class FakeDirectory implements PersonDirectory {
  calls = 0;
  asked: string[][] = [];
  failing = false;
  constructor(private readonly persons: Readonly<Record<string, string>>) {}

  async surnames(hetus: readonly string[]): Promise<(string | null)[]> {
    this.calls++;
    this.asked.push([...hetus]);
    if (this.failing) throw new Error('register down');
    return hetus.map((h) => this.persons[h] ?? null);
  }
}

/** The register the literal fixtures are tested against. */
export const REGISTER: Readonly<Record<string, string>> = {
  '150180-911H': 'MÄKINEN',
  '030301A9143': 'Nieminen',
  '030301-9143': 'Nieminen',
  '201147-921L': 'Laine',
};
