/**
 * The distributed run's supervisor on tiny child processes (plain node HTTP
 * servers): ready once its check passes, a child killed from outside
 * reported and restarted on its port, a start that exits reported with its
 * output, and a stop that SIGTERMs every child and SIGKILLs one that ignores
 * it past the deadline.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor } from './supervisor.ts';
import type { ChildSpec, SupervisorEvent } from './supervisor.ts';
import { httpOk } from './topology.ts';

/** A node child answering 200 on PORT; with IGNORE_TERM it ignores SIGTERM. */
const SERVER = `
const port = Number(process.env.PORT);
if (process.env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
else process.on('SIGTERM', () => process.exit(0));
require('node:http').createServer((_q, s) => s.end('ok')).listen(port, '127.0.0.1', () => console.log('listening ' + port));
`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function spec(id: string, port: number, env: Record<string, string> = {}, script = SERVER): ChildSpec {
  return {
    id,
    service: id.replace(/-\d+$/, ''),
    command: process.execPath,
    args: ['-e', script],
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    port,
    ready: () => httpOk(`http://127.0.0.1:${port}/`),
    readyWhat: `http://127.0.0.1:${port}/`,
  };
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  supervisor?.killAll();
  await supervisor?.stop();
  supervisor = undefined;
});

describe('the supervisor', () => {
  it('starts a child, restarts it on its port when it is killed from outside, and stops it with SIGTERM', async () => {
    const events: SupervisorEvent[] = [];
    supervisor = new Supervisor({ cwd: process.cwd(), onEvent: (e) => events.push(e), backoffMs: 100 });
    const port = await freePort();
    await supervisor.start(spec('web-1', port));
    const [first] = supervisor.status();
    expect(first).toMatchObject({ id: 'web-1', service: 'web', state: 'ready', restarts: 0, port });
    expect(events).toContainEqual({ kind: 'output', id: 'web-1', line: `listening ${port}` });

    supervisor.signal('web-1', 'SIGKILL');
    await expect.poll(() => supervisor!.status()[0]!.restarts, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => supervisor!.status()[0]!.state, { timeout: 10_000 }).toBe('ready');
    expect(supervisor.status()[0]!.pid).not.toBe(first!.pid);
    expect(await httpOk(`http://127.0.0.1:${port}/`)).toBe(true);
    expect(events.filter((e) => e.kind === 'exited' || e.kind === 'restarting')).toEqual([
      { kind: 'exited', id: 'web-1', code: null, signal: 'SIGKILL', expected: false },
      { kind: 'restarting', id: 'web-1', inMs: 100 },
    ]);

    await supervisor.stop();
    expect(supervisor.status()[0]!.state).toBe('stopped');
    expect(events.at(-1)).toMatchObject({ kind: 'exited', id: 'web-1', code: 0, expected: true });
  }, 30_000);

  it('rejects a start whose child exits before it is ready, with its output', async () => {
    supervisor = new Supervisor({ cwd: process.cwd(), onEvent: () => {} });
    const port = await freePort();
    await expect(supervisor.start(spec('broken-1', port, {}, "console.error('no such setting: X'); process.exit(2)"))).rejects.toThrow(
      /expected broken-1 to start, received exit 2:\nno such setting: X/,
    );
  }, 30_000);

  it('SIGKILLs a child that ignores SIGTERM once the stop deadline passes', async () => {
    supervisor = new Supervisor({ cwd: process.cwd(), onEvent: () => {}, stopDeadlineMs: 500 });
    const port = await freePort();
    await supervisor.start(spec('stubborn-1', port, { IGNORE_TERM: '1' }));
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(supervisor.status()[0]!.state).toBe('stopped');
    expect(await httpOk(`http://127.0.0.1:${port}/`).catch(() => false)).toBe(false);
  }, 30_000);
});
