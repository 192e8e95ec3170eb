/**
 * The end-to-end tests' own small region, built by hand in the canonical
 * model and written with the product writers (the same ones the generator
 * uses), so every case the tests need exists by construction and every
 * expected answer is known literally. Synthetic identity codes only
 * (individual numbers 900–999).
 */
import { mkdirSync } from 'node:fs';
import {
  INSTANCES,
  instance as instanceOf,
  makeHetu,
  municipality as municipalityOf,
  type Appointment,
  type Clock,
  type Consent,
  type Customership,
  type Decision,
  type Fee,
  type InstanceId,
  type MunicipalityCode,
  type Plan,
  type Provenance,
  type SourcePerson,
  type SourceRecords,
  type VtjPerson,
} from '../../../domain/index.ts';
import { PRODUCT_WRITERS, createVtjWriter } from '../../../fixtures/generator/writers/index.ts';
import type { IntendedRecords, InstanceWriter } from '../../../fixtures/generator/types.ts';

/** The day the fixtures are written for, and the region's fixed "now" in the tests. */
export const TODAY = '2026-11-23';
export const NOW = '2026-11-23T10:00:00+02:00';
export const fixedClock: Clock = { now: () => new Date(NOW) };

/** The persons of the e2e region, by role. */
export const HETU = {
  /** Moved from Porvoo to Sipoo: records in lifecare-porvoo (638) and mediatri-sipoo (753). */
  moved: makeHetu('1968-03-14', 901),
  /** Lives in Lapinjärvi (407): records in Loviisa's three instances, each naming 407. */
  lapinjarvi: makeHetu('1975-08-02', 902),
  /** Lives in Loviisa (434): a neighbour in the same shared instances. */
  loviisa: makeHetu('1982-11-30', 903),
  /** Lives in Myrskylä (504): records in lifecare-phhyky and effica-phhyky. */
  myrskyla: makeHetu('1944-05-21', 904),
  /** Lives in Pukkila (616): a neighbour in the phhyky instances. */
  pukkila: makeHetu('1950-12-01', 905),
  /** Fee ceiling across two municipalities: effica-porvoo (638) and pegasos-loviisa (434). */
  ceiling: makeHetu('1959-07-07', 906),
  /** First guardian (listed first in VTJ) of `child`. */
  guardian1: makeHetu('1984-02-12', 907),
  /** Second guardian of `child`. */
  guardian2: makeHetu('1985-09-25', 908),
  /** A minor (born 2015) with fees in lifecare-porvoo. */
  child: makeHetu('2015-04-20', 909),
  /** Records in proconsona-askola only. */
  askola: makeHetu('1990-06-15', 910),
  /** Records in every one of the eleven record instances (partial-result tests). */
  wanderer: makeHetu('1970-01-31', 911),
  /** Known to no source and not to VTJ. */
  unknown: makeHetu('1991-10-10', 999),
  /** Fillers: further residents, so no instance holds only the persons under test. */
  filler1: makeHetu('1962-04-04', 920),
  filler2: makeHetu('1999-09-09', 921),
  filler3: makeHetu('2001-01-01', 922),
} as const;

/** A CHANGED timestamp every record shares (the index lists everything at start). */
const CHANGED_AT = '2026-11-20T12:00:00+02:00';

interface PersonSpec {
  readonly hetu: string;
  readonly surname: string;
  readonly firstNames: string;
  readonly municipality: MunicipalityCode;
  readonly language: 'fi' | 'sv';
  readonly street: string;
  readonly postalCode: string;
  readonly guardians?: readonly string[];
  readonly dependants?: readonly string[];
}

type Item<T> = Omit<T, 'source'>;

/** One instance's records of one person while the region is being built. */
class RecordsBuilder {
  readonly appointments: Appointment[] = [];
  readonly fees: Fee[] = [];
  readonly plans: Plan[] = [];
  readonly customerships: Customership[] = [];
  readonly decisions: Decision[] = [];
  readonly consents: Consent[] = [];

  constructor(
    private readonly region: RegionBuilder,
    readonly person: SourcePerson,
  ) {}

  private prov(kind: string): Provenance {
    return { ...this.person.source, localId: this.region.nextId(this.person.source.instance, kind) };
  }

  appointment(a: Item<Appointment>): this {
    this.appointments.push({ ...a, source: this.prov('appointment') });
    return this;
  }

  fee(f: Item<Fee>): this {
    this.fees.push({ ...f, source: this.prov('fee') });
    return this;
  }

  plan(p: Item<Plan>): this {
    this.plans.push({ ...p, source: this.prov('plan') });
    return this;
  }

  /** A customership with its decisions (their customershipId is filled in). */
  customership(c: Item<Customership>, decisions: readonly Omit<Item<Decision>, 'customershipId'>[] = []): this {
    const source = this.prov('customership');
    this.customerships.push({ ...c, source });
    for (const d of decisions) this.decisions.push({ ...d, customershipId: source.localId, source: this.prov('decision') });
    return this;
  }

  consent(c: Item<Consent>): this {
    this.consents.push({ ...c, source: this.prov('consent') });
    return this;
  }

  intended(): IntendedRecords {
    return {
      hetu: this.person.hetu,
      instance: this.person.source.instance,
      person: this.person,
      hetuForm: 'canonical',
      appointments: this.appointments,
      fees: this.fees,
      plans: this.plans,
      customerships: this.customerships,
      decisions: this.decisions,
      consents: this.consents,
    };
  }
}

/** Builds the region in memory, then writes it with the product writers. */
class RegionBuilder {
  private readonly ids = new Map<string, number>();
  private readonly vtj: VtjPerson[] = [];
  private readonly specs = new Map<string, PersonSpec>();
  private readonly records: RecordsBuilder[] = [];

  nextId(instance: InstanceId, kind: string): string {
    const key = `${instance}/${kind}`;
    const n = (this.ids.get(key) ?? 500) + 1;
    this.ids.set(key, n);
    return String(n);
  }

  person(spec: PersonSpec): this {
    const m = municipalityOf(spec.municipality)!;
    this.specs.set(spec.hetu, spec);
    this.vtj.push({
      hetu: spec.hetu,
      hetuInForce: true,
      surname: spec.surname,
      firstNames: spec.firstNames,
      address: { streetFi: spec.street, postalCode: spec.postalCode, cityFi: m.nameFi, citySv: m.nameSv },
      municipality: { code: m.code, nameFi: m.nameFi, nameSv: m.nameSv },
      language: spec.language,
      turvakielto: false,
      guardians: spec.guardians ?? [],
      dependants: spec.dependants ?? [],
    });
    return this;
  }

  /** The person's record in an instance, naming `municipality` (default: the person's own). */
  at(instance: InstanceId, hetu: string, municipality?: MunicipalityCode): RecordsBuilder {
    const spec = this.specs.get(hetu);
    if (!spec) throw new Error('Declare the person first.');
    const inst = instanceOf(instance);
    const m = municipality ?? spec.municipality;
    const person: SourcePerson = {
      hetu,
      surname: spec.surname,
      firstNames: spec.firstNames,
      birthDate: birthDate(hetu),
      sex: Number(hetu.slice(7, 10)) % 2 === 1 ? 'MALE' : 'FEMALE',
      municipality: m,
      language: spec.language,
      serviceLanguage: spec.language,
      address: { street: spec.street, postalCode: spec.postalCode, city: municipalityOf(m)!.nameFi },
      turvakielto: false,
      changedAt: CHANGED_AT,
      source: { instance, product: inst.product, municipality: m, localId: this.nextId(instance, 'person') },
    };
    const b = new RecordsBuilder(this, person);
    this.records.push(b);
    return b;
  }

  /**
   * Writes every instance's files (instances without records get empty
   * files, which their emulators must serve) and VTJ's. Returns what each
   * writer says its adapter reads back, by instance and code.
   */
  async write(outDir: string): Promise<Map<InstanceId, Map<string, SourceRecords>>> {
    mkdirSync(outDir, { recursive: true });
    const writers = new Map<InstanceId, InstanceWriter>();
    for (const inst of INSTANCES) {
      if (inst.product === 'vtj') continue;
      writers.set(inst.id, PRODUCT_WRITERS[inst.product]({ outDir, instance: inst, today: TODAY }));
    }
    const represented = new Map<InstanceId, Map<string, SourceRecords>>();
    for (const r of this.records) {
      const intended = r.intended();
      const w = writers.get(intended.instance)!;
      w.write(intended);
      const back = w.represent(intended);
      if (!back) throw new Error('Every e2e record is readable by its code.');
      const byHetu = represented.get(intended.instance) ?? new Map<string, SourceRecords>();
      byHetu.set(intended.hetu, back);
      represented.set(intended.instance, byHetu);
    }
    for (const w of writers.values()) await w.close();
    const vtj = createVtjWriter(outDir);
    for (const p of this.vtj) vtj.write(p);
    await vtj.close();
    return represented;
  }
}

function birthDate(hetu: string): string {
  const century = ({ '+': '18', '-': '19', A: '20' } as Record<string, string>)[hetu[6]!]!;
  return `${century}${hetu.slice(4, 6)}-${hetu.slice(2, 4)}-${hetu.slice(0, 2)}`;
}

const unit = (oid: string, name: string) => ({ oid, name });
const UNITS = {
  porvoo: unit('1.2.246.10.1234567.10.6381', 'Porvoon terveysasema'),
  porvooOral: unit('1.2.246.10.1234567.10.6382', 'Porvoon hammashoitola'),
  sipoo: unit('1.2.246.10.2345678.10.7531', 'Nikkilän terveysasema'),
  sipooOral: unit('1.2.246.10.2345678.10.7532', 'Söderkullan hammashoitola'),
  loviisa: unit('1.2.246.10.3456789.10.4341', 'Loviisan terveysasema'),
  lapinjarvi: unit('1.2.246.10.3456789.10.4071', 'Lapinjärven terveysasema'),
  loviisaOral: unit('1.2.246.10.3456789.10.4342', 'Loviisan hammashoitola'),
  askola: unit('1.2.246.10.4567890.10.0181', 'Askolan terveysasema'),
  myrskyla: unit('1.2.246.10.5678901.10.5041', 'Myrskylän terveysasema'),
  pukkila: unit('1.2.246.10.5678901.10.6161', 'Pukkilan terveysasema'),
};

const VISIT = 'Avosairaanhoidon käyntimaksu';
const ORAL_VISIT = 'Suun terveydenhuollon käynti';
const HOME_CARE = 'Kotihoidon asiakasmaksu';

/** Builds the whole e2e region in memory. */
export function buildE2ERegion(): RegionBuilder {
  const r = new RegionBuilder();
  const pro = (name: string, title: string) => ({ name, title });

  // ------------------------------------------------ persons (VTJ)
  r.person({
    hetu: HETU.moved,
    surname: 'Äijälä',
    firstNames: 'Mikko Juhani',
    municipality: '753',
    language: 'fi',
    street: 'Jokipolku 3',
    postalCode: '04130',
  });
  r.person({
    hetu: HETU.lapinjarvi,
    surname: 'Lindqvist',
    firstNames: 'Åsa Maria',
    municipality: '407',
    language: 'sv',
    street: 'Kirkkotie 9',
    postalCode: '07800',
  });
  r.person({
    hetu: HETU.loviisa,
    surname: 'Mäkinen',
    firstNames: 'Pekka',
    municipality: '434',
    language: 'fi',
    street: 'Mannerheiminkatu 12',
    postalCode: '07900',
  });
  r.person({
    hetu: HETU.myrskyla,
    surname: 'Östman',
    firstNames: 'Eino Olavi',
    municipality: '504',
    language: 'fi',
    street: 'Myrskyläntie 40',
    postalCode: '07600',
  });
  r.person({
    hetu: HETU.pukkila,
    surname: 'Nieminen',
    firstNames: 'Aino',
    municipality: '616',
    language: 'fi',
    street: 'Kirkkotie 1',
    postalCode: '07560',
  });
  r.person({
    hetu: HETU.ceiling,
    surname: 'Heikkilä',
    firstNames: 'Sari Annikki',
    municipality: '434',
    language: 'fi',
    street: 'Sibeliuksenkatu 5',
    postalCode: '07900',
  });
  r.person({
    hetu: HETU.guardian1,
    surname: 'Korhonen',
    firstNames: 'Laura',
    municipality: '638',
    language: 'fi',
    street: 'Runebergintie 22',
    postalCode: '06100',
    dependants: [HETU.child],
  });
  r.person({
    hetu: HETU.guardian2,
    surname: 'Korhonen',
    firstNames: 'Janne',
    municipality: '638',
    language: 'fi',
    street: 'Runebergintie 22',
    postalCode: '06100',
    dependants: [HETU.child],
  });
  r.person({
    hetu: HETU.child,
    surname: 'Korhonen',
    firstNames: 'Eeli',
    municipality: '638',
    language: 'fi',
    street: 'Runebergintie 22',
    postalCode: '06100',
    guardians: [HETU.guardian1, HETU.guardian2],
  });
  r.person({
    hetu: HETU.askola,
    surname: 'Virtanen',
    firstNames: 'Jari',
    municipality: '018',
    language: 'fi',
    street: 'Askolantie 2',
    postalCode: '07500',
  });
  r.person({
    hetu: HETU.wanderer,
    surname: 'Grönroos',
    firstNames: 'Kaj Henrik',
    municipality: '018',
    language: 'sv',
    street: 'Monbyntie 7',
    postalCode: '07500',
  });
  r.person({
    hetu: HETU.filler1,
    surname: 'Laine',
    firstNames: 'Tuula',
    municipality: '638',
    language: 'fi',
    street: 'Mannerheiminkatu 1',
    postalCode: '06100',
  });
  r.person({
    hetu: HETU.filler2,
    surname: 'Sjöberg',
    firstNames: 'Emil',
    municipality: '753',
    language: 'sv',
    street: 'Sibbovägen 4',
    postalCode: '04130',
  });
  r.person({
    hetu: HETU.filler3,
    surname: 'Koskinen',
    firstNames: 'Ville',
    municipality: '434',
    language: 'fi',
    street: 'Rauhankatu 8',
    postalCode: '07900',
  });

  // ------------------------------------------------ 1. moved from Porvoo to Sipoo
  r.at('lifecare-porvoo', HETU.moved, '638')
    .appointment({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'PHYSICIAN',
      contactMode: 'ON_SITE',
      start: '2025-10-02T08:30:00+03:00',
      durationMinutes: 30,
      unit: UNITS.porvoo,
      professional: pro('Anna Lehtonen', 'Lääkäri'),
      status: 'COMPLETED',
    })
    .appointment({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'NURSE',
      contactMode: 'PHONE',
      start: '2026-01-15T13:00:00+02:00',
      durationMinutes: 15,
      unit: UNITS.porvoo,
      professional: pro('Heikki Salo', 'Sairaanhoitaja'),
      status: 'COMPLETED',
    })
    .fee({
      careArea: 'PRIMARY_HEALTH',
      register: 'HEALTH',
      date: '2026-01-15',
      description: VISIT,
      amountCents: 2060,
      accruesToCeiling: true,
      status: 'PAID',
    });
  r.at('mediatri-sipoo', HETU.moved, '753')
    .appointment({
      careArea: 'ORAL_HEALTH',
      professionalKind: 'DENTIST',
      contactMode: 'ON_SITE',
      start: '2025-12-04T09:45:00+02:00',
      durationMinutes: 45,
      unit: UNITS.sipooOral,
      professional: pro('Kirsi Rantanen', 'Hammaslääkäri'),
      status: 'COMPLETED',
    })
    .appointment({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'PHYSICIAN',
      contactMode: 'VIDEO',
      start: '2026-03-05T10:00:00+02:00',
      durationMinutes: 20,
      unit: UNITS.sipoo,
      professional: pro('Olli Järvinen', 'Lääkäri'),
      status: 'COMPLETED',
      note: 'Tolk behövs (svenska)',
    })
    .appointment({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'NURSE',
      contactMode: 'ON_SITE',
      start: '2026-12-10T10:00:00+02:00',
      durationMinutes: 30,
      unit: UNITS.sipoo,
      professional: pro('Maria Björk', 'Sairaanhoitaja'),
      status: 'BOOKED',
    })
    .fee({ register: 'HEALTH', date: '2026-03-05', description: VISIT, amountCents: 2060, accruesToCeiling: true, status: 'OPEN' });

  // ------------------------------------------------ 2. Lapinjärvi from Loviisa's instances, and a Loviisa neighbour
  r.at('pegasos-loviisa', HETU.lapinjarvi, '407')
    .appointment({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'PHYSICIAN',
      contactMode: 'ON_SITE',
      start: '2026-09-14T09:00:00+03:00',
      durationMinutes: 30,
      unit: UNITS.lapinjarvi,
      professional: pro('Tapio Koski', 'Lääkäri'),
      status: 'COMPLETED',
    })
    .fee({
      careArea: 'PRIMARY_HEALTH',
      register: 'HEALTH',
      date: '2026-09-14',
      description: VISIT,
      amountCents: 2060,
      accruesToCeiling: true,
      status: 'PAID',
    });
  r.at('mediatri-loviisa', HETU.lapinjarvi, '407').appointment({
    careArea: 'ORAL_HEALTH',
    professionalKind: 'DENTAL_HYGIENIST',
    contactMode: 'ON_SITE',
    start: '2026-10-20T12:30:00+03:00',
    durationMinutes: 45,
    unit: UNITS.loviisaOral,
    professional: pro('Sanna Aalto', 'Suuhygienisti'),
    status: 'COMPLETED',
  });
  r.at('proconsona-loviisa', HETU.lapinjarvi, '407')
    .customership(
      {
        careArea: 'SOCIAL',
        serviceTask: 'ADULT_SOCIAL_WORK',
        unit: 'Lapinjärven sosiaalitoimisto',
        responsibleWorker: 'Helena Wikström',
        startDate: '2025-04-01',
        extraSensitive: false,
      },
      [{ service: 'Sosiaalinen kuntoutus', decisionDate: '2025-04-03', validFrom: '2025-04-04', outcome: 'GRANTED' }],
    )
    .consent({ type: 'LUOVUTUS_TERVEYDENHUOLTOON', givenOn: '2025-04-03' });
  r.at('pegasos-loviisa', HETU.loviisa, '434').appointment({
    careArea: 'PRIMARY_HEALTH',
    professionalKind: 'NURSE',
    contactMode: 'PHONE',
    start: '2026-09-15T11:00:00+03:00',
    durationMinutes: 15,
    unit: UNITS.loviisa,
    professional: pro('Riikka Laakso', 'Sairaanhoitaja'),
    status: 'COMPLETED',
  });
  r.at('proconsona-loviisa', HETU.loviisa, '434').customership({
    careArea: 'SOCIAL',
    serviceTask: 'DISABILITY',
    unit: 'Loviisan vammaispalvelut',
    responsibleWorker: 'Helena Wikström',
    startDate: '2024-02-01',
    extraSensitive: false,
  });

  // ------------------------------------------------ 3. Myrskylä from the phhyky instances, and a Pukkila neighbour
  r.at('lifecare-phhyky', HETU.myrskyla, '504')
    .appointment({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'NURSE',
      contactMode: 'HOME_VISIT',
      start: '2026-11-02T10:00:00+02:00',
      durationMinutes: 60,
      unit: UNITS.myrskyla,
      professional: pro('Päivi Heino', 'Sairaanhoitaja'),
      status: 'COMPLETED',
    })
    .plan({
      careArea: 'PRIMARY_HEALTH',
      type: 'HEALTH_AND_CARE_PLAN',
      title: 'Terveys- ja hoitosuunnitelma',
      startDate: '2026-02-01',
      responsible: 'Matti Hiltunen',
    })
    .fee({ register: 'HEALTH', date: '2026-11-02', description: VISIT, amountCents: 1140, accruesToCeiling: true, status: 'OPEN' });
  r.at('effica-phhyky', HETU.myrskyla, '504')
    .customership(
      {
        careArea: 'SOCIAL',
        serviceTask: 'OLDER_PEOPLE',
        service: 'Säännöllinen kotihoito',
        unit: 'Myrskylän kotihoito',
        responsibleWorker: 'Tiina Ahonen',
        startDate: '2024-09-01',
        extraSensitive: false,
      },
      [{ service: 'Säännöllinen kotihoito', decisionDate: '2024-09-05', validFrom: '2024-09-06', outcome: 'GRANTED' }],
    )
    .fee({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2026-10-31',
      description: HOME_CARE,
      amountCents: 18550,
      accruesToCeiling: true,
      status: 'PAID',
    });
  r.at('lifecare-phhyky', HETU.pukkila, '616').appointment({
    careArea: 'PRIMARY_HEALTH',
    professionalKind: 'PHYSICIAN',
    contactMode: 'ON_SITE',
    start: '2026-11-03T09:00:00+02:00',
    durationMinutes: 20,
    unit: UNITS.pukkila,
    professional: pro('Matti Hiltunen', 'Lääkäri'),
    status: 'COMPLETED',
  });
  r.at('effica-phhyky', HETU.pukkila, '616').customership({
    careArea: 'SOCIAL',
    serviceTask: 'OLDER_PEOPLE',
    service: 'Omaishoidon tuki',
    unit: 'Pukkilan kotihoito',
    responsibleWorker: 'Tiina Ahonen',
    startDate: '2025-01-01',
    extraSensitive: false,
  });

  // ------------------------------------------------ 4. fee ceiling across Porvoo (effica) and Loviisa (pegasos)
  r.at('effica-porvoo', HETU.ceiling, '638')
    .customership({
      careArea: 'SOCIAL',
      serviceTask: 'DISABILITY',
      service: 'Henkilökohtainen apu',
      startDate: '2025-06-01',
      extraSensitive: false,
    })
    .fee({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2025-12-30',
      description: HOME_CARE,
      amountCents: 12000,
      accruesToCeiling: true,
      status: 'PAID',
    })
    .fee({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2026-02-10',
      description: HOME_CARE,
      amountCents: 30000,
      accruesToCeiling: true,
      status: 'PAID',
    })
    .fee({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2026-03-15',
      description: HOME_CARE,
      amountCents: 20000,
      accruesToCeiling: true,
      status: 'VOIDED',
    })
    .fee({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2026-05-20',
      description: 'Ateriapalvelu',
      amountCents: 10000,
      accruesToCeiling: false,
      status: 'PAID',
    });
  r.at('pegasos-loviisa', HETU.ceiling, '434')
    .fee({
      careArea: 'PRIMARY_HEALTH',
      register: 'HEALTH',
      date: '2026-04-01',
      description: 'Fysioterapian sarjahoito',
      amountCents: 25050,
      accruesToCeiling: true,
      status: 'OPEN',
    })
    .fee({
      careArea: 'PRIMARY_HEALTH',
      register: 'HEALTH',
      date: '2026-06-12',
      description: 'Fysioterapian sarjahoito',
      amountCents: 26450,
      accruesToCeiling: true,
      status: 'PAID',
    })
    .fee({
      careArea: 'PRIMARY_HEALTH',
      register: 'HEALTH',
      date: '2026-08-03',
      description: VISIT,
      amountCents: 4130,
      accruesToCeiling: true,
      status: 'OPEN',
    });

  // The family: the first guardian's ceiling is reached only with the child's fee.
  r.at('effica-porvoo', HETU.guardian1, '638')
    .customership({ careArea: 'SOCIAL', serviceTask: 'FAMILIES', service: 'Perhetyö', startDate: '2025-08-01', extraSensitive: false })
    .fee({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2026-01-20',
      description: 'Perhetyön asiakasmaksu',
      amountCents: 70000,
      accruesToCeiling: true,
      status: 'PAID',
    });
  r.at('lifecare-porvoo', HETU.guardian2, '638').fee({
    careArea: 'PRIMARY_HEALTH',
    register: 'HEALTH',
    date: '2026-02-02',
    description: VISIT,
    amountCents: 5000,
    accruesToCeiling: true,
    status: 'PAID',
  });
  r.at('lifecare-porvoo', HETU.child, '638')
    .appointment({
      careArea: 'ORAL_HEALTH',
      professionalKind: 'DENTIST',
      contactMode: 'ON_SITE',
      start: '2026-03-03T08:00:00+02:00',
      durationMinutes: 30,
      unit: UNITS.porvooOral,
      professional: pro('Kirsi Rantanen', 'Hammaslääkäri'),
      status: 'COMPLETED',
    })
    .fee({ register: 'HEALTH', date: '2026-03-03', description: ORAL_VISIT, amountCents: 12000, accruesToCeiling: true, status: 'PAID' })
    .fee({
      register: 'HEALTH',
      date: '2026-05-05',
      description: 'Käyttämättä jätetty vastaanottoaika',
      amountCents: 5150,
      accruesToCeiling: false,
      status: 'OPEN',
    });

  // ------------------------------------------------ 6. one instance only
  r.at('proconsona-askola', HETU.askola, '018').customership({
    careArea: 'SOCIAL',
    serviceTask: 'SUBSTANCE_ABUSE',
    unit: 'Askolan sosiaalitoimisto',
    responsibleWorker: 'Minna Lahtinen',
    startDate: '2026-01-12',
    extraSensitive: false,
  });

  // ------------------------------------------------ 7. the wanderer: something in every record instance
  const wAppt = (
    instance: InstanceId,
    municipality: MunicipalityCode,
    start: string,
    u: { oid: string; name: string },
    area: 'PRIMARY_HEALTH' | 'ORAL_HEALTH' = 'PRIMARY_HEALTH',
  ) =>
    r.at(instance, HETU.wanderer, municipality).appointment({
      careArea: area,
      professionalKind: area === 'ORAL_HEALTH' ? 'DENTIST' : 'PHYSICIAN',
      contactMode: 'ON_SITE',
      start,
      durationMinutes: 30,
      unit: u,
      professional: pro('Olli Järvinen', area === 'ORAL_HEALTH' ? 'Hammaslääkäri' : 'Lääkäri'),
      status: 'COMPLETED',
    });
  const wSocial = (instance: InstanceId, municipality: MunicipalityCode, startDate: string, unitName: string) =>
    r.at(instance, HETU.wanderer, municipality).customership({
      careArea: 'SOCIAL',
      serviceTask: 'ADULT_SOCIAL_WORK',
      service: 'Sosiaalinen kuntoutus',
      unit: unitName,
      responsibleWorker: 'Helena Wikström',
      startDate,
      extraSensitive: false,
    });
  wAppt('lifecare-porvoo', '638', '2024-03-01T09:00:00+02:00', UNITS.porvoo).fee({
    register: 'HEALTH',
    date: '2024-03-01',
    description: VISIT,
    amountCents: 2060,
    accruesToCeiling: true,
    status: 'PAID',
  });
  wSocial('effica-porvoo', '638', '2024-03-15', 'Porvoon aikuissosiaalityö');
  wAppt('mediatri-sipoo', '753', '2024-07-01T10:00:00+03:00', UNITS.sipoo).fee({
    register: 'HEALTH',
    date: '2024-07-01',
    description: VISIT,
    amountCents: 2060,
    accruesToCeiling: true,
    status: 'PAID',
  });
  wSocial('proconsona-sipoo', '753', '2024-07-10', 'Sipoon aikuissosiaalityö');
  wAppt('pegasos-loviisa', '434', '2025-01-10T09:00:00+02:00', UNITS.loviisa);
  wAppt('mediatri-loviisa', '434', '2025-01-20T09:00:00+02:00', UNITS.loviisaOral, 'ORAL_HEALTH');
  wSocial('proconsona-loviisa', '434', '2025-02-01', 'Loviisan aikuissosiaalityö');
  wAppt('lifecare-phhyky', '504', '2025-06-02T09:00:00+03:00', UNITS.myrskyla);
  wSocial('effica-phhyky', '504', '2025-06-10', 'Myrskylän sosiaalitoimisto');
  wAppt('lifecare-askola', '018', '2026-02-02T09:00:00+02:00', UNITS.askola).fee({
    register: 'HEALTH',
    date: '2026-02-02',
    description: VISIT,
    amountCents: 2060,
    accruesToCeiling: true,
    status: 'OPEN',
  });
  wSocial('proconsona-askola', '018', '2026-02-15', 'Askolan sosiaalitoimisto');

  // ------------------------------------------------ fillers
  r.at('lifecare-porvoo', HETU.filler1, '638').appointment({
    careArea: 'PRIMARY_HEALTH',
    professionalKind: 'PHYSIOTHERAPIST',
    contactMode: 'ON_SITE',
    start: '2026-11-30T14:00:00+02:00',
    durationMinutes: 45,
    unit: UNITS.porvoo,
    professional: pro('Jussi Nurmi', 'Fysioterapeutti'),
    status: 'BOOKED',
  });
  r.at('effica-porvoo', HETU.filler1, '638').customership({
    careArea: 'SOCIAL',
    serviceTask: 'OLDER_PEOPLE',
    service: 'Omaishoidon tuki',
    startDate: '2023-05-01',
    extraSensitive: false,
  });
  r.at('mediatri-sipoo', HETU.filler2, '753').appointment({
    careArea: 'ORAL_HEALTH',
    professionalKind: 'DENTAL_HYGIENIST',
    contactMode: 'ON_SITE',
    start: '2026-11-24T08:15:00+02:00',
    durationMinutes: 30,
    unit: UNITS.sipooOral,
    professional: pro('Emma Holm', 'Suuhygienisti'),
    status: 'BOOKED',
  });
  r.at('proconsona-sipoo', HETU.filler2, '753').customership({
    careArea: 'SOCIAL',
    serviceTask: 'FAMILY_LAW',
    startDate: '2026-06-01',
    extraSensitive: false,
  });
  r.at('mediatri-loviisa', HETU.filler3, '434').appointment({
    careArea: 'ORAL_HEALTH',
    professionalKind: 'DENTIST',
    contactMode: 'ON_SITE',
    start: '2026-10-01T08:00:00+03:00',
    durationMinutes: 30,
    unit: UNITS.loviisaOral,
    professional: pro('Kirsi Rantanen', 'Hammaslääkäri'),
    status: 'NO_SHOW',
  });
  r.at('lifecare-askola', HETU.filler3, '018').appointment({
    careArea: 'PRIMARY_HEALTH',
    professionalKind: 'NURSE',
    contactMode: 'PHONE',
    start: '2026-04-01T09:00:00+03:00',
    durationMinutes: 15,
    unit: UNITS.askola,
    professional: pro('Heikki Salo', 'Sairaanhoitaja'),
    status: 'COMPLETED',
  });
  return r;
}

/** Writes the e2e region into `dir`; returns what each writer says its adapter reads back. */
export async function writeE2ERegion(dir: string): Promise<Map<InstanceId, Map<string, SourceRecords>>> {
  return buildE2ERegion().write(dir);
}
