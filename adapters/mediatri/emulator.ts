/**
 * Emulator of Mediatri's CSV export service (mediatri.md) for one instance:
 * `GET /mediatri/{instance}/export/{table}.csv?hetu=…` and
 * `potilas.csv?muuttunut=YYYYMMDDHHMMSS`, answered in Windows-1252 with
 * CRLF and a header row always. Serves `{fixturesDir}/{instance}/*.csv`
 * rows exactly as stored (a malformed row is served as it stands, so the
 * adapter meets it as it would in the real export).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fromHelsinkiLocal, toHelsinkiLocal } from '../../domain/index.ts';
import { delay, Faults } from '../emulator/faults.ts';
import { listenEmulator } from '../emulator/httpEmulator.ts';
import type { InstanceId } from '../../domain/index.ts';
import type { EmulatorDataHooks, RunningEmulator } from '../emulator/faults.ts';
import { decodeWindows1252, encodeWindows1252, LINE_END, parseCsv } from './csv.ts';
import {
  COLUMNS,
  fileName,
  formatTimestamp,
  headerRow,
  hetuColumn,
  isTable,
  parseCompact,
  parseTimestamp,
  TABLES,
  TROUBLE,
} from './format.ts';
import type { Table } from './format.ts';

export interface MediatriEmulatorOptions {
  readonly instance: InstanceId;
  /** The region directory; the emulator reads `{fixturesDir}/{instance}/`. */
  readonly fixturesDir: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** One table's rows, raw, by the HETU field as written. */
interface TableData {
  readonly byHetu: Map<string, string[]>;
  /** potilas only: every row with the instant of its MUUTETTU (undefined when unreadable). */
  readonly changed: { readonly raw: string; readonly changedMs: number | undefined }[];
}

const MUUTETTU = (COLUMNS.potilas as readonly string[]).indexOf('MUUTETTU');

/** Reads one fixture table; a missing file is an empty table, a malformed row never stops the load. */
async function loadTable(dir: string, table: Table): Promise<TableData> {
  const data: TableData = { byHetu: new Map(), changed: [] };
  const path = join(dir, fileName(table));
  if (!existsSync(path)) return data;
  const { rows } = parseCsv(decodeWindows1252(await readFile(path)));
  const at = hetuColumn(table);
  for (const row of rows) {
    if (row.line === 1 && row.raw === headerRow(table)) continue;
    // A quote never closed swallowed the rest of the file: nothing of it can be served faithfully.
    if (row.unterminated) continue;
    const hetu = row.fields[at];
    if (hetu === undefined) continue;
    const list = data.byHetu.get(hetu);
    if (list) list.push(row.raw);
    else data.byHetu.set(hetu, [row.raw]);
    if (table === 'potilas') {
      const local = parseTimestamp((row.fields[MUUTETTU] ?? '').trim());
      const resolved = local && fromHelsinkiLocal(local);
      data.changed.push({ raw: row.raw, changedMs: resolved && resolved.ok ? resolved.epochMs : undefined });
    }
  }
  return data;
}

/**
 * Starts the emulator. Rejects when `{fixturesDir}/{instance}` does not
 * exist; a missing table file serves as an empty table.
 *
 * Choices where mediatri.md is silent: a `hetu` that matches no row
 * (malformed codes included: the export filters by the text, it does not
 * validate) is `200` with the header only; a row whose MUUTETTU cannot be
 * read is listed by every `muuttunut` query (better listed once too often
 * than missed); a request without exactly one of `hetu`/`muuttunut`, or
 * `muuttunut` on another table or in another form, is `400` plain text; an
 * unknown path `404`.
 */
export async function startMediatriEmulator(options: MediatriEmulatorOptions): Promise<RunningEmulator> {
  const { instance, fixturesDir, port = 0, host = '127.0.0.1' } = options;
  const dir = join(fixturesDir, instance);
  if (!existsSync(dir)) throw new Error(`Expected a fixtures directory for ${instance}, received none.`);
  const loaded = await Promise.all(TABLES.map((t) => loadTable(dir, t)));
  const data = Object.fromEntries(TABLES.map((t, k) => [t, loaded[k]!])) as Record<Table, TableData>;
  const faults = new Faults();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) plain(res, 500, TROUBLE.error);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = faults.next();
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (req.socket.destroyed) return;
    switch (fault.mode) {
      case 'overload':
        return plain(res, 500, TROUBLE.overload);
      case 'maintenance':
        return plain(res, 500, TROUBLE.maintenance);
      case 'drop':
        req.socket.destroy();
        return;
      default:
    }
    if (req.method !== 'GET') return plain(res, 405, 'Vain GET-pyynnöt.');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const m = /^\/mediatri\/([^/]+)\/export\/([^/]+)\.csv$/.exec(url.pathname);
    const table = m?.[2];
    if (!m || decodeURIComponent(m[1]!) !== instance || !table || !isTable(table)) return plain(res, 404, 'Tuntematon polku.');
    if (fault.mode === 'malformed') {
      // A body cut off inside a quoted field, as a broken export would send it.
      return csv(res, `${headerRow(table)}${LINE_END}"Vastaus katkesi kesken; `);
    }
    const hetu = url.searchParams.get('hetu');
    const muuttunut = url.searchParams.get('muuttunut');
    if ((hetu === null) === (muuttunut === null)) return plain(res, 400, 'Anna joko hetu tai muuttunut.');
    let rows: readonly string[];
    if (hetu !== null) {
      rows = data[table].byHetu.get(hetu) ?? [];
    } else {
      const local = table === 'potilas' ? parseCompact(muuttunut!) : undefined;
      const since = local && fromHelsinkiLocal(local);
      if (!since || !since.ok) return plain(res, 400, 'muuttunut: odotettiin muotoa VVVVKKPPTTMMSS potilas-taululle.');
      rows = data.potilas.changed.filter((r) => r.changedMs === undefined || r.changedMs > since.epochMs).map((r) => r.raw);
    }
    let text = headerRow(table) + LINE_END;
    for (const raw of rows) text += raw + LINE_END;
    return csv(res, text);
  }

  let nextBooking = 900_000_000;
  const hooks: EmulatorDataHooks = {
    addAppointment(changedMs, hetu) {
      const code = hetu ?? data.potilas.changed.map((r) => r.raw.split(';')[0]!).find((h) => data.ajanvaraus.byHetu.has(h));
      const bookings = code === undefined ? undefined : data.ajanvaraus.byHetu.get(code);
      const patient = code === undefined ? undefined : data.potilas.byHetu.get(code);
      if (!bookings?.[0] || !patient?.[0]) return false;
      // VARAUSNRO is the first column and MUUTETTU the last: both plain values, so the raw rows are edited in place.
      bookings.push(bookings[0].replace(/^[^;]*/, String(nextBooking++)));
      const old = patient[0];
      const stamped = old.replace(/[^;]*$/, formatTimestamp(toHelsinkiLocal(changedMs)));
      patient[0] = stamped;
      const listed = data.potilas.changed.find((r) => r.raw === old);
      if (listed) data.potilas.changed.splice(data.potilas.changed.indexOf(listed), 1);
      data.potilas.changed.push({ raw: stamped, changedMs });
      return true;
    },
  };
  return { ...(await listenEmulator(server, faults, port, host)), hooks };
}

function plain(res: ServerResponse, status: number, text: string): void {
  // The whole service speaks Windows-1252, its error texts included.
  const body = encodeWindows1252(text);
  res.writeHead(status, { 'content-type': 'text/plain; charset=windows-1252', 'content-length': body.length });
  res.end(body);
}

function csv(res: ServerResponse, text: string): void {
  const body = encodeWindows1252(text);
  res.writeHead(200, { 'content-type': 'text/csv; charset=windows-1252', 'content-length': body.length });
  res.end(body);
}
