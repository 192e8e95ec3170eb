/**
 * Sosiaali Effica emulator: the client XML service of one instance over
 * plain HTTP on a real socket, answering from
 * `{fixturesDir}/{instance}/asiakkaat.xml` in ISO-8859-1.
 *
 * Faults (shared `Faults`): overload and maintenance answer 503 with an
 * HTML maintenance page (text/html), as the service does while it is down;
 * drop closes the connection without an answer; malformed sends the first
 * half of the real answer's body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHetu, isValidLocal } from '../../domain/index.ts';
import { delay, Faults } from '../emulator/faults.ts';
import { basicAuthMatches, createEmulatorServer, listenEmulator, type EmulatorSecurity } from '../emulator/httpEmulator.ts';
import type { InstanceId } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import { encodeBody, MAINTENANCE_PAGE, muuttuneetXml, PAGE_SIZE, parseTimestamp, VIRHE, virheXml, XML_DECLARATION } from './format.ts';
import { ClientStore } from './store.ts';

/** `credentials`: refuse a request without this HTTP Basic user and password (401), as an authenticating proxy in front would. */
export interface EfficaEmulatorOptions extends Pick<EmulatorSecurity, 'tls' | 'credentials'> {
  readonly instance: InstanceId;
  readonly fixturesDir: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

const XML_TYPE = 'text/xml; charset=ISO-8859-1';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Starts the emulator of one Effica instance; resolves once it listens. */
export async function startEfficaEmulator(options: EfficaEmulatorOptions): Promise<RunningEmulator> {
  const { instance } = options;
  const store = ClientStore.load(options.fixturesDir, instance);
  const faults = new Faults();
  const host = options.host ?? '127.0.0.1';
  const prefix = `/effica/${instance}/`;

  const server = createEmulatorServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, xml(500, virheXml('SISAINEN_VIRHE', 'Sisäinen virhe')));
      else res.destroy();
    });
  }, options.tls);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.credentials && !basicAuthMatches(req, options.credentials)) {
      res.setHeader('www-authenticate', 'Basic realm="effica", charset="UTF-8"');
      return send(res, { status: 401, contentType: 'text/plain; charset=ISO-8859-1', body: encodeBody('Tunnistautuminen vaaditaan\n') });
    }
    const fault = faults.next();
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (res.destroyed) return;
    switch (fault.mode) {
      case 'overload':
      case 'maintenance':
        res.setHeader('retry-after', '60');
        return send(res, { status: 503, contentType: 'text/html; charset=ISO-8859-1', body: encodeBody(MAINTENANCE_PAGE) });
      case 'drop':
        req.socket.destroy();
        return;
    }
    const answer = route(req);
    if (fault.mode === 'malformed') {
      return send(res, { ...answer, status: 200, body: answer.body.subarray(0, Math.floor(answer.body.length / 2)) });
    }
    send(res, answer);
  }

  function route(req: IncomingMessage): Answer {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(prefix)) return notFound('Tuntematon resurssi');
    if (req.method !== 'GET') return badRequest('Vain GET-pyynnöt ovat sallittuja');
    const rest = url.pathname.slice(prefix.length);
    if (rest.startsWith('asiakas/')) return client(rest.slice('asiakas/'.length));
    if (rest === 'muuttuneet') return changed(url.searchParams);
    return notFound('Tuntematon resurssi');
  }

  function client(encoded: string): Answer {
    let hetu: string;
    try {
      hetu = decodeURIComponent(encoded);
    } catch {
      return badRequest('Virheellinen henkilötunnus');
    }
    if (!checkHetu(hetu).ok) return badRequest('Virheellinen henkilötunnus');
    const asiakas = store.client(hetu);
    if (!asiakas) return notFound('Asiakasta ei löydy');
    return { status: 200, contentType: XML_TYPE, body: Buffer.concat([encodeBody(`${XML_DECLARATION}\n`), asiakas, encodeBody('\n')]) };
  }

  function changed(params: URLSearchParams): Answer {
    const alkaen = params.get('alkaen') ?? '';
    const local = parseTimestamp(alkaen);
    if (!local || !isValidLocal(local)) return badRequest('Virheellinen parametri alkaen');
    const sivuParam = params.get('sivu') ?? '1';
    if (!/^[1-9]\d{0,5}$/.test(sivuParam)) return badRequest('Virheellinen parametri sivu');
    const sivu = Number(sivuParam);
    const all = store.changedSince(alkaen);
    const sivuja = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    return xml(200, muuttuneetXml(sivu, sivuja, all.slice((sivu - 1) * PAGE_SIZE, sivu * PAGE_SIZE)));
  }

  return listenEmulator(server, faults, options.port, host, options.tls !== undefined);
}

function xml(status: number, text: string): Answer {
  return { status, contentType: XML_TYPE, body: encodeBody(text) };
}

function notFound(message: string): Answer {
  return xml(404, virheXml(VIRHE.NOT_FOUND, message));
}

function badRequest(message: string): Answer {
  return xml(400, virheXml(VIRHE.BAD_REQUEST, message));
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length });
  res.end(answer.body);
}
