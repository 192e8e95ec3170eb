/**
 * Test helpers for the Pegasos tests: literal fixture files and a raw MLLP
 * socket client that sends exact bytes and collects the frames answered.
 * Not used by production code.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllpDecoder } from './mllp.ts';

export const HETU_A = '131052-9085';
export const HETU_B = '010594-9021';
/** The check character of HETU_A corrupted. */
export const HETU_BAD = '131052-9086';
/** Valid, but no such patient. */
export const HETU_UNKNOWN = '240238-915D';

const msh = (type: string, id: string) => `MSH|^~\\&|PEGASOS|LOVIISA|||20250301101500||${type}|${id}|P|2.5||||||8859/1\r`;

/** `potilaat.hl7`: three patients (one with a corrupted code), a message without an identity code, junk before the first MSH. */
export const POTILAAT =
  'junk before the first message\r' +
  msh('ADT^A31^ADT_A05', 'A1') +
  'EVN|A31|20250301101500\r' +
  'PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Hämäläinen^Åsa Maria||19521013|F|||Mannerheimintie 5 A 3^^Loviisa^^07900^FIN^H^^434||040 123 4567||sv\r' +
  'ZPT|N|434\r' +
  msh('ADT^A31^ADT_A05', 'A2') +
  'EVN|A31|20251026033000\r' +
  'PID|1||1002^^^PEGASOS^PI~010594-9021^^^&1.2.246.21&ISO^NNFIN||Öhman\\T\\Lind^Björn||19940501|M|||Kirkkokatu 2^^Lapinjärvi^^07800^FIN^H^^434||||fi\r' +
  'ZPT|Y|407\r' +
  msh('ADT^A31^ADT_A05', 'A3') +
  'EVN|A31|20240105080000\r' +
  'PID|1||131052-9086^^^&1.2.246.21&ISO^NNFIN~1003^^^PEGASOS^PI||Virtanen^Matti\r' +
  'ZPT|N|434\r' +
  msh('ADT^A31^ADT_A05', 'A4') +
  'EVN|A31|20250101000000\r' +
  'PID|1||no identity code here\r';

const pid3A = '131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI';
const resources = (unit: string) =>
  `AIS|1||VO-L^Lääkärin vastaanotto^PEGASOS\rAIL|1||^^^${unit}&1.2.246.10.2345678.10.4341\rAIP|1||H12^Virtanen^Anna Liisa|Lääkäri\r`;

/** `ajanvaraukset.hl7`: HETU_A's appointments on both sides of both DST changes, one of HETU_B. */
export const AJANVARAUKSET =
  msh('SIU^S12^SIU_S12', 'S1') +
  'SCH|5001|||||AV^Kontrolli; verikokeet||VO^Vastaanotto|||^^^202501140900+0200^202501140930+0200||||||||||||||Complete\r' +
  `PID|||${pid3A}\r` +
  resources('Loviisan terveysasema') +
  msh('SIU^S12^SIU_S12', 'S2') +
  'SCH|5002|||||||PUH^Puhelinasiointi|||^^^202503300230+0200^202503300430+0300||||||||||||||Booked\r' +
  `PID|||${pid3A}\r` +
  resources('Loviisan terveysasema') +
  msh('SIU^S12^SIU_S12', 'S3') +
  'SCH|5003||||||||||^^^202510260330+0200^202510260400+0200||||||||||||||Cancelled\r' +
  `PID|||${pid3A}\r` +
  resources('Lapinjärven terveysasema') +
  msh('SIU^S12^SIU_S12', 'S4') +
  'SCH|5004|||||||KOTI^Kotikäynti|||^^^202502030800+0200^202502030900+0200||||||||||||||Booked\r' +
  'PID|||010594-9021^^^&1.2.246.21&ISO^NNFIN~1002^^^PEGASOS^PI\r' +
  resources('Lovisa hälsostation');

/** `maksut.hl7`: HETU_A's fees in 2024, 2025 and 2026. */
export const MAKSUT =
  msh('DFT^P03^DFT_P03', 'D1') +
  `PID|||${pid3A}\r` +
  'FT1|1|F9001||20240612||CG|PTHMAKSU^Avosairaanhoidon käyntimaksu||||20.60^EUR\rZFT|Y|P\r' +
  msh('DFT^P03^DFT_P03', 'D2') +
  `PID|||${pid3A}\r` +
  'FT1|1|F9002||20250114||CG|PTHMAKSU^Avosairaanhoidon käyntimaksu||||20.60^EUR\rZFT|Y|O\r' +
  msh('DFT^P03^DFT_P03', 'D3') +
  `PID|||${pid3A}\r` +
  'FT1|1|F9003||20260102||CG|PTHMAKSU^Käyttämättä jätetty aika||||51.50^EUR\rZFT|N|V\r';

/** Writes the files (ISO-8859-1) into `{dir}/pegasos-loviisa/` of a new temporary region directory; returns the region directory. */
export function fixtureDir(
  files: { potilaat?: string; ajanvaraukset?: string; maksut?: string } = {
    potilaat: POTILAAT,
    ajanvaraukset: AJANVARAUKSET,
    maksut: MAKSUT,
  },
): string {
  const dir = mkdtempSync(join(tmpdir(), 'pegasos-'));
  const inst = join(dir, 'pegasos-loviisa');
  mkdirSync(inst, { recursive: true });
  if (files.potilaat !== undefined) writeFileSync(join(inst, 'potilaat.hl7'), Buffer.from(files.potilaat, 'latin1'));
  if (files.ajanvaraukset !== undefined) writeFileSync(join(inst, 'ajanvaraukset.hl7'), Buffer.from(files.ajanvaraukset, 'latin1'));
  if (files.maksut !== undefined) writeFileSync(join(inst, 'maksut.hl7'), Buffer.from(files.maksut, 'latin1'));
  return dir;
}

/** What a raw exchange received: the frames' bytes and whether the peer closed. */
export interface RawResult {
  readonly frames: Buffer[];
  readonly closed: boolean;
}

/**
 * Connects, writes each chunk in turn (a tick apart, so TCP delivers them
 * separately), and collects answer frames until `expect` arrived, the peer
 * closed, or `waitMs` passed.
 */
export function rawExchange(port: number, chunks: readonly Buffer[], expect: number, waitMs = 2000): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const decoder = new MllpDecoder(64 * 1024 * 1024);
    const frames: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ frames, closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (c: Buffer) => {
      for (const ev of decoder.push(c)) if (ev.type === 'frame') frames.push(ev.payload);
      if (frames.length >= expect) finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('connect', async () => {
      for (const c of chunks) {
        socket.write(c);
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}
