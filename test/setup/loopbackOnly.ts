/**
 * Vitest setup file (vitest.config.ts `setupFiles`): nothing the tests run may
 * send traffic anywhere but this machine. Every attempt of the test process to
 * open a TCP connection (net and tls sockets, so http, undici/fetch and
 * database clients too), to send or connect a UDP socket, or to look up a name
 * other than `localhost` fails at once with an error naming the address, and
 * is written to stderr, so a library that swallows the error (telemetry
 * exporters do) is still seen. Loopback addresses, `localhost`, unix sockets
 * and in-process databases (PGlite) are untouched.
 *
 * It also sets APOLLO_TELEMETRY_DISABLED for child processes the tests start
 * (the guard itself covers this process only).
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

/** The error's message prefix, for tests that check the guard fired. */
export const BLOCKED = "Blocked by the test suite's loopback-only guard (test/setup/loopbackOnly.ts)";

/** Whether a host names this machine: `localhost`, 127.0.0.0/8, ::1 (also IPv4-mapped), or the unspecified address. */
export function isLoopbackHost(host: string | undefined | null): boolean {
  if (host === undefined || host === null || host === '') return true; // Node's default host is localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1' || h === '::' || h === '0.0.0.0') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function blocked(what: string, address: string): Error {
  const err = new Error(`${BLOCKED}: ${what} ${address} is not on this machine; tests may only reach loopback.`);
  process.stderr.write(`${err.message}\n`);
  return err;
}

interface ConnectTarget {
  readonly path?: unknown;
  readonly host?: unknown;
  readonly port?: unknown;
}

/** The target of `socket.connect(...)` in any of its forms (including net.connect's pre-normalised array). */
function connectTarget(args: readonly unknown[]): ConnectTarget {
  const a = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = a[0];
  if (typeof first === 'object' && first !== null) return first as ConnectTarget;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: first, host: typeof a[1] === 'string' ? a[1] : undefined };
}

const GUARDED = Symbol.for('region-graph.loopbackOnly');

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

function install(): void {
  const proto = net.Socket.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[GUARDED]) return; // a setup file runs once per test file in the same process
  proto[GUARDED] = true;

  const connect = net.Socket.prototype.connect as unknown as AnyFn;
  proto.connect = function guardedConnect(this: unknown, ...args: unknown[]) {
    const t = connectTarget(args);
    if (t.path === undefined && typeof t.host === 'string' && !isLoopbackHost(t.host)) {
      throw blocked('a TCP connection to', `${t.host}:${String(t.port)}`);
    }
    return connect.apply(this, args);
  };

  const udp = dgram.Socket.prototype as unknown as Record<string, unknown>;
  for (const method of ['send', 'connect'] as const) {
    const original = udp[method] as AnyFn;
    udp[method] = function guardedUdp(this: unknown, ...args: unknown[]) {
      // send(msg, [offset, length,] port, [address], cb) / connect(port, [address], cb): the address is the first string after the first argument.
      const address = args.slice(method === 'send' ? 1 : 0).find((x): x is string => typeof x === 'string');
      if (!isLoopbackHost(address)) throw blocked(`a UDP ${method} to`, address ?? '');
      return original.apply(this, args);
    };
  }

  const lookup = dns.lookup as unknown as AnyFn;
  (dns as unknown as Record<string, unknown>).lookup = function guardedLookup(this: unknown, ...args: unknown[]) {
    const host = args[0];
    if (typeof host === 'string' && !isLoopbackHost(host) && net.isIP(host) === 0) throw blocked('a DNS lookup of', host);
    return lookup.apply(this, args);
  };
  const promisesLookup = dns.promises.lookup as unknown as AnyFn;
  (dns.promises as unknown as Record<string, unknown>).lookup = function guardedPromisesLookup(this: unknown, ...args: unknown[]) {
    const host = args[0];
    if (typeof host === 'string' && !isLoopbackHost(host) && net.isIP(host) === 0) return Promise.reject(blocked('a DNS lookup of', host));
    return promisesLookup.apply(this, args);
  };
  // Named ESM imports of node:dns (`import { lookup } from 'node:dns'`) see the patched function too.
  syncBuiltinESMExports();
}

install();
// Stock @apollo/gateway starts Apollo's telemetry exporter unless this is set (also inherited by child processes).
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
