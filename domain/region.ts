/**
 * The region's municipalities and system instances (region.md).
 */

export type MunicipalityCode = '638' | '753' | '434' | '018' | '407' | '504' | '616';

export interface Municipality {
  readonly code: MunicipalityCode;
  readonly nameFi: string;
  readonly nameSv: string;
  /** Approximate residents; the fixture generator spreads persons by it. */
  readonly residents: number;
  readonly primaryHealth: InstanceId;
  readonly social: InstanceId;
  readonly oralHealth: InstanceId;
}

export type Product = 'lifecare' | 'pegasos' | 'effica' | 'mediatri' | 'proconsona' | 'vtj';

export type InstanceId =
  | 'lifecare-porvoo'
  | 'lifecare-askola'
  | 'lifecare-phhyky'
  | 'pegasos-loviisa'
  | 'mediatri-sipoo'
  | 'mediatri-loviisa'
  | 'effica-porvoo'
  | 'effica-phhyky'
  | 'proconsona-sipoo'
  | 'proconsona-loviisa'
  | 'proconsona-askola'
  | 'vtj';

export interface Instance {
  readonly id: InstanceId;
  readonly product: Product;
  /** Lifecare's interface version; other products have one. */
  readonly version?: 'MR2020' | 'V2015';
  /** Municipalities it serves; the first is the one its records belong to by default. */
  readonly municipalities: readonly MunicipalityCode[];
}

export const MUNICIPALITIES: readonly Municipality[] = [
  {
    code: '638',
    nameFi: 'Porvoo',
    nameSv: 'Borgå',
    residents: 50_600,
    primaryHealth: 'lifecare-porvoo',
    social: 'effica-porvoo',
    oralHealth: 'lifecare-porvoo',
  },
  {
    code: '753',
    nameFi: 'Sipoo',
    nameSv: 'Sibbo',
    residents: 21_700,
    primaryHealth: 'mediatri-sipoo',
    social: 'proconsona-sipoo',
    oralHealth: 'mediatri-sipoo',
  },
  {
    code: '434',
    nameFi: 'Loviisa',
    nameSv: 'Lovisa',
    residents: 14_700,
    primaryHealth: 'pegasos-loviisa',
    social: 'proconsona-loviisa',
    oralHealth: 'mediatri-loviisa',
  },
  {
    code: '018',
    nameFi: 'Askola',
    nameSv: 'Askola',
    residents: 4_900,
    primaryHealth: 'lifecare-askola',
    social: 'proconsona-askola',
    oralHealth: 'lifecare-askola',
  },
  {
    code: '407',
    nameFi: 'Lapinjärvi',
    nameSv: 'Lappträsk',
    residents: 2_600,
    primaryHealth: 'pegasos-loviisa',
    social: 'proconsona-loviisa',
    oralHealth: 'mediatri-loviisa',
  },
  {
    code: '504',
    nameFi: 'Myrskylä',
    nameSv: 'Mörskom',
    residents: 1_900,
    primaryHealth: 'lifecare-phhyky',
    social: 'effica-phhyky',
    oralHealth: 'lifecare-phhyky',
  },
  {
    code: '616',
    nameFi: 'Pukkila',
    nameSv: 'Pukkila',
    residents: 1_800,
    primaryHealth: 'lifecare-phhyky',
    social: 'effica-phhyky',
    oralHealth: 'lifecare-phhyky',
  },
];

export const INSTANCES: readonly Instance[] = [
  { id: 'lifecare-porvoo', product: 'lifecare', version: 'MR2020', municipalities: ['638'] },
  { id: 'lifecare-askola', product: 'lifecare', version: 'V2015', municipalities: ['018'] },
  { id: 'lifecare-phhyky', product: 'lifecare', version: 'MR2020', municipalities: ['504', '616'] },
  { id: 'pegasos-loviisa', product: 'pegasos', municipalities: ['434', '407'] },
  { id: 'mediatri-sipoo', product: 'mediatri', municipalities: ['753'] },
  { id: 'mediatri-loviisa', product: 'mediatri', municipalities: ['434', '407'] },
  { id: 'effica-porvoo', product: 'effica', municipalities: ['638'] },
  { id: 'effica-phhyky', product: 'effica', municipalities: ['504', '616'] },
  { id: 'proconsona-sipoo', product: 'proconsona', municipalities: ['753'] },
  { id: 'proconsona-loviisa', product: 'proconsona', municipalities: ['434', '407'] },
  { id: 'proconsona-askola', product: 'proconsona', municipalities: ['018'] },
  { id: 'vtj', product: 'vtj', municipalities: [] },
];

const byId = new Map(INSTANCES.map((i) => [i.id, i]));
const municipalityByCode = new Map(MUNICIPALITIES.map((m) => [m.code, m]));

/** The instance with this id; throws for an unknown id (a programming error). */
export function instance(id: InstanceId): Instance {
  const i = byId.get(id);
  if (!i) throw new RangeError(`Unknown instance ${id}.`);
  return i;
}

/** True when the string names one of the region's instances. */
export function isInstanceId(id: string): id is InstanceId {
  return byId.has(id as InstanceId);
}

/** The municipality with this code, or undefined. */
export function municipality(code: string): Municipality | undefined {
  return municipalityByCode.get(code as MunicipalityCode);
}

/**
 * The municipality an instance's records of one person belong to: the
 * instance's own municipality, or for a shared instance the one it has for
 * that person (region.md). A shared instance naming a municipality it does
 * not serve yields undefined, for the caller to report.
 */
export function recordMunicipality(inst: Instance, personMunicipality: string | undefined): MunicipalityCode | undefined {
  if (inst.municipalities.length === 1) return inst.municipalities[0];
  return inst.municipalities.find((m) => m === personMunicipality);
}
