/**
 * The emulator's data: the fixture files of one Pegasos instance
 * (`potilaat.hl7`, `ajanvaraukset.hl7`, `maksut.hl7`) indexed by identity
 * code, and the answers to the `QBP^Q11` queries pegasos.md lists. Pure
 * apart from reading the files at load; no sockets here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHetu } from '../../domain/index.ts';
import { answerHeader, ERR, ERR_LOCATION_QPD3, CHANGED_PAGE_ROWS, ID_TYPE_HETU, parseHelsinkiStamp, WIRE_ENCODING } from './format.ts';
import { parseHl7, raw, segment, type Hl7Message, type Hl7Segment } from './hl7.ts';

interface PatientEntry {
  readonly hetu: string;
  /** Encoded PID and ZPT segments, served as stored. */
  readonly pid: string;
  readonly zpt?: string;
  /** EVN-2 as epoch ms; undefined when unreadable (then listed as changed at every request). */
  readonly changedMs?: number;
}

interface AppointmentEntry {
  /** Encoded SCH, AIS, AIL, AIP segments. */
  readonly segments: readonly string[];
  /** `YYYYMMDD` of SCH-11.4; undefined when unreadable (then served to every range). */
  readonly day?: string;
}

interface FeeEntry {
  readonly segments: readonly string[];
  /** `YYYY` of FT1-4; undefined when unreadable (then served for every year). */
  readonly year?: string;
}

/** How many fixture messages were loaded and skipped. */
export interface LoadStats {
  patients: number;
  appointments: number;
  fees: number;
  /** Messages that could not be read (no MSH, no identity code): skipped. */
  skipped: number;
}

/** One instance's fixtures, indexed. */
export class PegasosStore {
  private readonly patients = new Map<string, PatientEntry>();
  /** PID-3 of each identity code, from whichever file named it first. */
  private readonly pid3 = new Map<string, string>();
  private readonly appointments = new Map<string, AppointmentEntry[]>();
  private readonly fees = new Map<string, FeeEntry[]>();
  /** Patients by EVN-2, oldest first; unreadable EVN-2 last. */
  private changed: PatientEntry[] = [];
  readonly stats: LoadStats = { patients: 0, appointments: 0, fees: 0, skipped: 0 };

  /** Loads `{dir}/potilaat.hl7`, `ajanvaraukset.hl7`, `maksut.hl7`; a missing file is empty; bad messages are skipped. */
  static load(dir: string): PegasosStore {
    const store = new PegasosStore();
    store.loadFile(join(dir, 'potilaat.hl7'), (m) => store.addPatient(m));
    store.loadFile(join(dir, 'ajanvaraukset.hl7'), (m) => store.addAppointment(m));
    store.loadFile(join(dir, 'maksut.hl7'), (m) => store.addFee(m));
    store.changed = [...store.patients.values()].sort(
      (a, b) => (a.changedMs ?? Infinity) - (b.changedMs ?? Infinity) || (a.hetu < b.hetu ? -1 : a.hetu > b.hetu ? 1 : 0),
    );
    return store;
  }

  private loadFile(path: string, add: (m: Hl7Message) => boolean): void {
    if (!existsSync(path)) return;
    const text = readFileSync(path).toString(WIRE_ENCODING);
    const lines = text.split(/\r\n|\r|\n/);
    let current: string[] = [];
    const flush = () => {
      if (current.length === 0) return;
      const parsed = parseHl7(current.join('\r'));
      current = [];
      if (!parsed.ok || !add(parsed.message)) this.stats.skipped++;
    };
    for (const line of lines) {
      if (line.startsWith('MSH')) flush();
      if (line !== '') current.push(line);
    }
    flush();
  }

  private hetuOf(m: Hl7Message): { hetu: string; pid: Hl7Segment } | undefined {
    const pid = m.segment('PID');
    if (!pid) return undefined;
    const rep = pid.repetitions(3).find((r) => r.get(5) === ID_TYPE_HETU && r.get(1) !== '');
    if (!rep) return undefined;
    const hetu = rep.get(1);
    if (!this.pid3.has(hetu)) this.pid3.set(hetu, pid.raw(3));
    return { hetu, pid };
  }

  private addPatient(m: Hl7Message): boolean {
    const who = this.hetuOf(m);
    if (!who) return false;
    const zpt = m.segment('ZPT');
    const changedMs = parseHelsinkiStamp(m.segment('EVN')?.get(2) ?? '');
    this.pid3.set(who.hetu, who.pid.raw(3));
    this.patients.set(who.hetu, {
      hetu: who.hetu,
      pid: who.pid.toString(),
      ...(zpt ? { zpt: zpt.toString() } : {}),
      ...(changedMs !== undefined ? { changedMs } : {}),
    });
    this.stats.patients++;
    return true;
  }

  private addAppointment(m: Hl7Message): boolean {
    const who = this.hetuOf(m);
    const sch = m.segment('SCH');
    if (!who || !sch) return false;
    const start = sch.get(11, 4);
    const entry: AppointmentEntry = {
      segments: m.segments.filter((s) => ['SCH', 'AIS', 'AIL', 'AIP'].includes(s.name)).map((s) => s.toString()),
      ...(/^\d{8}/.test(start) ? { day: start.slice(0, 8) } : {}),
    };
    push(this.appointments, who.hetu, entry);
    this.stats.appointments++;
    return true;
  }

  private addFee(m: Hl7Message): boolean {
    const who = this.hetuOf(m);
    const ft1 = m.segment('FT1');
    if (!who || !ft1) return false;
    const date = ft1.get(4, 1);
    const entry: FeeEntry = {
      segments: m.segments.filter((s) => s.name === 'FT1' || s.name === 'ZFT').map((s) => s.toString()),
      ...(/^\d{4}/.test(date) ? { year: date.slice(0, 4) } : {}),
    };
    push(this.fees, who.hetu, entry);
    this.stats.fees++;
    return true;
  }

  /**
   * The answer to one request message (text, segments ending in CR), as
   * text. Never throws for any input: what cannot be read is answered AE/AR.
   */
  answer(request: string, ctx: { controlId: string; now: number }): string {
    const parsed = parseHl7(request);
    if (!parsed.ok) return reply(ctx, '', 'AE', { code: ERR.segmentSequence });
    const req = parsed.message;
    const msh = req.segment('MSH')!;
    const requestControlId = msh.get(10);
    const to = [msh.get(3), msh.get(4)] as const;
    if (msh.get(9, 1) !== 'QBP' || msh.get(9, 2) !== 'Q11')
      return reply(ctx, requestControlId, 'AR', { code: ERR.unsupportedMessage, location: 'MSH^1^9' }, to);
    const qpd = req.segment('QPD');
    if (!qpd) return reply(ctx, requestControlId, 'AE', { code: ERR.requiredMissing, location: 'QPD' }, to);
    const query = qpd.get(1, 1);
    const tag = qpd.get(2);
    const answer = (status: 'OK' | 'NF', body: string[]) =>
      [
        ...answerHeader({ controlId: ctx.controlId, requestControlId, now: ctx.now, ack: 'AA', to }),
        segment('QAK', tag, status, raw(qpd.raw(1))),
        qpd.toString(),
        ...body,
      ]
        .map((s) => `${s}\r`)
        .join('');
    const error = (code: string, location: string) =>
      [
        ...answerHeader({ controlId: ctx.controlId, requestControlId, now: ctx.now, ack: 'AE', error: { code, location }, to }),
        segment('QAK', tag, 'AE', raw(qpd.raw(1))),
        qpd.toString(),
      ]
        .map((s) => `${s}\r`)
        .join('');

    if (query === 'Q_MUUTTUNEET') {
      const since = parseHelsinkiStamp(qpd.get(3));
      if (since === undefined) return error(ERR.dataType, ERR_LOCATION_QPD3);
      const pointer = req.segment('DSC')?.get(1) ?? '';
      if (pointer !== '' && !/^\d{1,9}$/.test(pointer)) return error(ERR.unknownKey, 'DSC^1^1');
      const asked = Number(req.segment('RCP')?.get(2, 1) || CHANGED_PAGE_ROWS);
      const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, CHANGED_PAGE_ROWS) : CHANGED_PAGE_ROWS;
      const first = this.firstChangedAtOrAfter(since);
      const from = first + Number(pointer || 0);
      const rows = this.changed.slice(from, from + limit);
      if (rows.length === 0) return answer('NF', []);
      const body = rows.map((p) => segment('PID', undefined, undefined, raw(this.pid3.get(p.hetu) ?? '')));
      const consumed = from + rows.length - first;
      if (from + rows.length < this.changed.length) body.push(segment('DSC', String(consumed), 'I'));
      return answer('OK', body);
    }

    if (query !== 'Q_POTILAS' && query !== 'Q_AJANVARAUKSET' && query !== 'Q_MAKSUT') return error(ERR.unknownKey, 'QPD^1^1');
    const hetu = qpd.get(3);
    if (!checkHetu(hetu).ok) return error(ERR.dataType, ERR_LOCATION_QPD3);
    const onlyPid3 = () => segment('PID', undefined, undefined, raw(this.pid3.get(hetu) ?? ''));

    if (query === 'Q_POTILAS') {
      const p = this.patients.get(hetu);
      return p ? answer('OK', [p.pid, ...(p.zpt ? [p.zpt] : [])]) : answer('NF', []);
    }
    if (query === 'Q_AJANVARAUKSET') {
      const firstDay = qpd.get(4);
      const lastDay = qpd.get(5);
      if (firstDay !== '' && !/^\d{8}$/.test(firstDay)) return error(ERR.dataType, 'QPD^1^4');
      if (lastDay !== '' && !/^\d{8}$/.test(lastDay)) return error(ERR.dataType, 'QPD^1^5');
      if (!this.pid3.has(hetu)) return answer('NF', []);
      // An unreadable start is served to every range: the reader reports it rather than it vanishing.
      const list = (this.appointments.get(hetu) ?? []).filter(
        (a) => a.day === undefined || ((firstDay === '' || a.day >= firstDay) && (lastDay === '' || a.day <= lastDay)),
      );
      return answer('OK', [onlyPid3(), ...list.flatMap((a) => a.segments)]);
    }
    const year = qpd.get(4);
    if (year !== '' && !/^\d{4}$/.test(year)) return error(ERR.dataType, 'QPD^1^4');
    if (!this.pid3.has(hetu)) return answer('NF', []);
    const list = (this.fees.get(hetu) ?? []).filter((f) => year === '' || f.year === undefined || f.year === year);
    return answer('OK', [onlyPid3(), ...list.flatMap((f) => f.segments)]);
  }

  /** Index of the first patient changed at or after `since` (binary search over EVN-2 order). */
  private firstChangedAtOrAfter(since: number): number {
    let lo = 0;
    let hi = this.changed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.changed[mid]!.changedMs ?? Infinity) < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A reply without query data (rejections, unreadable requests). */
export function reply(
  ctx: { controlId: string; now: number },
  requestControlId: string,
  ack: 'AE' | 'AR',
  error: { code: string; location?: string },
  to?: readonly [string, string],
): string {
  return answerHeader({ controlId: ctx.controlId, requestControlId, now: ctx.now, ack, error, ...(to ? { to } : {}) })
    .map((s) => `${s}\r`)
    .join('');
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
