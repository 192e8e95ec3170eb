/**
 * The loopback-only guard every test file runs under (vitest.config.ts
 * `setupFiles`): connections off the machine fail with the address named,
 * while loopback TCP, unix sockets and PGlite keep working.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { lookup as namedLookup } from 'node:dns';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { BLOCKED, isLoopbackHost } from './loopbackOnly.ts';

describe('loopback-only guard', () => {
  it('is installed for every test file', () => {
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  it('fails a TCP connection to a cloud metadata address, naming it', () => {
    expect(() => net.connect({ host: '169.254.169.254', port: 80 })).toThrow(`${BLOCKED}: a TCP connection to 169.254.169.254:80`);
    expect(() => net.createConnection(443, '192.0.2.1')).toThrow('192.0.2.1:443');
    expect(() => new net.Socket().connect(443, 'example.com')).toThrow('example.com:443');
  });

  it('fails fetch to a public name (undici connects through net)', async () => {
    const err = await fetch('http://example.com/').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((err as { cause?: unknown }).cause)).toContain(BLOCKED);
  });

  it('fails DNS lookups of public names, however dns is imported', async () => {
    expect(() => dns.lookup('example.com', () => {})).toThrow(`${BLOCKED}: a DNS lookup of example.com`);
    expect(() => namedLookup('usage-reporting.api.apollographql.com', () => {})).toThrow('usage-reporting.api.apollographql.com');
    await expect(dns.promises.lookup('example.com')).rejects.toThrow(BLOCKED);
  });

  it('fails UDP to another machine', () => {
    const s = dgram.createSocket('udp4');
    try {
      expect(() => s.send('x', 53, '8.8.8.8')).toThrow(`${BLOCKED}: a UDP send to 8.8.8.8`);
    } finally {
      s.close();
    }
  });

  it('lets loopback TCP, localhost, unix sockets and UDP on loopback through', async () => {
    const server = net.createServer((c) => c.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const read = async (socket: net.Socket): Promise<string> => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      await once(socket, 'end');
      return text;
    };
    expect(await read(net.connect(port, '127.0.0.1'))).toBe('ok');
    expect(await read(net.connect({ port, host: 'localhost', family: 4 }))).toBe('ok');
    server.close();

    const dir = await mkdtemp(join(tmpdir(), 'guard-'));
    const path = join(dir, 's.sock');
    const unix = net.createServer((c) => c.end('unix'));
    unix.listen(path);
    await once(unix, 'listening');
    expect(await read(net.connect(path))).toBe('unix');
    unix.close();
    await rm(dir, { recursive: true, force: true });

    await expect(dns.promises.lookup('localhost')).resolves.toBeDefined();
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => udp.send('x', 9, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    udp.close();
  });

  it('lets PGlite run in process', async () => {
    const db = await PGlite.create();
    expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    await db.close();
  });

  it('knows loopback from the rest', () => {
    for (const h of ['127.0.0.1', '127.5.0.1', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1', undefined])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['10.0.0.1', '169.254.169.254', 'example.com', '::ffff:8.8.8.8', 'fd00::1', '128.0.0.1'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
