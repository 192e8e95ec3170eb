/**
 * ProConsona's interface as the vendor documents it (proconsona.md): the
 * read-only views, their upper-case columns and SQL types, and the fixed
 * contents of V_PALVELUTEHTAVA. Shared by emulator, adapter and writer; no
 * canonical mapping here.
 */

/** The SQL types the views use. */
export type ColumnType = 'integer' | 'smallint' | 'text' | 'char(3)' | 'char(1)' | 'date' | 'timestamp';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
}

export type ViewName = 'V_ASIAKAS' | 'V_PALVELUTEHTAVA' | 'V_ASIAKKUUS' | 'V_PAATOS' | 'V_SUUNNITELMA' | 'V_MAKSU' | 'V_SUOSTUMUS';

const c = (name: string, type: ColumnType): ColumnDef => ({ name, type });

/** Every view with its columns, in the documented order. */
export const VIEWS: Readonly<Record<ViewName, readonly ColumnDef[]>> = {
  V_ASIAKAS: [
    c('ASIAKAS_ID', 'integer'),
    c('HETU', 'text'),
    c('SUKUNIMI', 'text'),
    c('ETUNIMET', 'text'),
    c('KUNTA_KOODI', 'char(3)'),
    c('KIELI_KOODI', 'smallint'),
    c('LAHIOSOITE', 'text'),
    c('POSTINUMERO', 'text'),
    c('POSTITOIMIPAIKKA', 'text'),
    c('TURVAKIELTO', 'smallint'),
    c('MUUTETTU', 'timestamp'),
  ],
  V_PALVELUTEHTAVA: [c('ID', 'smallint'), c('NIMI', 'text')],
  V_ASIAKKUUS: [
    c('ASIAKKUUS_ID', 'integer'),
    c('ASIAKAS_ID', 'integer'),
    c('PALVELUTEHTAVA_ID', 'smallint'),
    c('YKSIKKO_NIMI', 'text'),
    c('TYONTEKIJA_NIMI', 'text'),
    c('ALKAA', 'date'),
    c('PAATTYY', 'date'),
    c('SALAINEN', 'smallint'),
  ],
  V_PAATOS: [
    c('PAATOS_ID', 'integer'),
    c('ASIAKKUUS_ID', 'integer'),
    c('PALVELU', 'text'),
    c('PAATOSPVM', 'date'),
    c('ALKAA', 'date'),
    c('PAATTYY', 'date'),
    c('MYONTEINEN', 'smallint'),
  ],
  V_SUUNNITELMA: [
    c('SUUNNITELMA_ID', 'integer'),
    c('ASIAKKUUS_ID', 'integer'),
    c('TYYPPI', 'text'),
    c('LAADITTU', 'date'),
    c('TARKISTETAAN', 'date'),
    c('LAATIJA', 'text'),
  ],
  V_MAKSU: [
    c('MAKSU_ID', 'integer'),
    c('ASIAKAS_ID', 'integer'),
    c('PVM', 'date'),
    c('SELITE', 'text'),
    c('SUMMA_SNT', 'integer'),
    c('KATTOON', 'smallint'),
    c('TILA', 'char(1)'),
  ],
  V_SUOSTUMUS: [c('SUOSTUMUS_ID', 'integer'), c('ASIAKAS_ID', 'integer'), c('TYYPPI', 'text'), c('ANNETTU', 'date'), c('PERUTTU', 'date')],
};

export const VIEW_NAMES = Object.keys(VIEWS) as ViewName[];

/** The key column of each view (its first column). */
export function keyColumn(view: ViewName): string {
  return VIEWS[view][0]!.name;
}

/** The column names of a view, in order. */
export function columnNames(view: ViewName): string[] {
  return VIEWS[view].map((col) => col.name);
}

/** The fixture file of a view inside an instance directory. */
export function fixtureFileName(view: ViewName): string {
  return `${view}.tsv`;
}

/** V_PALVELUTEHTAVA as every installation has it. */
export const PALVELUTEHTAVAT: readonly { readonly id: number; readonly nimi: string }[] = [
  { id: 1, nimi: 'Iäkkäiden palvelut' },
  { id: 2, nimi: 'Vammaispalvelut' },
  { id: 3, nimi: 'Lapsiperheiden palvelut' },
  { id: 4, nimi: 'Lastensuojelu' },
  { id: 5, nimi: 'Työikäisten sosiaalityö' },
  { id: 6, nimi: 'Päihdepalvelut' },
  { id: 7, nimi: 'Perheoikeudelliset palvelut' },
];

/** `KIELI_KOODI` values. */
export const KIELI = { FINNISH: 1, SWEDISH: 2, OTHER: 9 } as const;
/** `V_SUUNNITELMA.TYYPPI` values. */
export const SUUNNITELMA_TYYPIT = ['Asiakassuunnitelma', 'Palvelusuunnitelma'] as const;
/** `V_MAKSU.TILA` values: open, paid, voided. */
export const MAKSU_TILAT = ['A', 'M', 'X'] as const;
/** `V_SUOSTUMUS.TYYPPI` values (the same as Effica's). */
export const SUOSTUMUS_TYYPIT = ['LUOVUTUS_TERVEYDENHUOLTOON', 'LUOVUTUS_SOSIAALIHUOLTOON', 'KIELTO_KANTA', 'KIELTO_HUOLTAJALLE'] as const;

/** Quotes an SQL identifier (`"V_ASIAKAS"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One result row, column name → value. */
export type Row = Readonly<Record<string, unknown>>;
