import { describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Lifecycle } from './lifecycle.ts';
import type { DrainableServer } from './lifecycle.ts';

const quiet = { info() {}, warn() {}, error() {} };

describe('Lifecycle', () => {
  it('closes services in reverse start order, then exits 0', async () => {
    const closed: string[] = [];
    const exits: number[] = [];
    const life = new Lifecycle({ logger: quiet, exit: (c) => exits.push(c) });
    for (const name of ['emulators', 'adapters', 'index', 'subgraphs', 'gateway']) life.add(name, name, async (n) => void closed.push(n));
    await life.stop('SIGINT');
    expect(closed).toEqual(['gateway', 'subgraphs', 'index', 'adapters', 'emulators']);
    expect(exits).toEqual([0]);
  });

  it('closes the rest when one service fails to close, and exits 1', async () => {
    const closed: string[] = [];
    const exits: number[] = [];
    const life = new Lifecycle({ logger: quiet, exit: (c) => exits.push(c) });
    life.add('a', 'a', async (n) => void closed.push(n));
    life.add('b', 'b', async () => {
      throw new Error('boom');
    });
    life.add('c', 'c', async (n) => void closed.push(n));
    await life.stop('SIGTERM');
    expect(closed).toEqual(['c', 'a']);
    expect(exits).toEqual([1]);
  });

  it('exits 1 at the deadline when a service hangs, and a second stop joins the first', async () => {
    const exits: number[] = [];
    const life = new Lifecycle({ logger: quiet, deadlineMs: 50, exit: (c) => exits.push(c) });
    life.add('stuck', null, () => new Promise(() => {}));
    const first = life.stop('SIGINT');
    expect(life.stop('SIGINT')).toBe(first);
    await new Promise((r) => setTimeout(r, 120));
    expect(exits).toEqual([1]);
  });
});

describe('Lifecycle drain (issue 14)', () => {
  /** A server whose close() ends when `finish` is called (a request in flight), and whose connections can be cut. */
  function slowServer(): { app: DrainableServer; finish: () => void; cut: number[] } {
    let finish = (): void => {};
    const cut: number[] = [];
    const done = new Promise<void>((r) => (finish = r));
    const server = { on() {}, closeIdleConnections() {}, closeAllConnections: () => (cut.push(1), finish()) } as unknown as Server;
    return { app: { server, close: () => done }, finish, cut };
  }

  it('is draining at once, waits the delay on a signal, drains the servers first, then closes the rest in reverse order', async () => {
    const events: string[] = [];
    const exits: number[] = [];
    const life = new Lifecycle({ logger: quiet, delayMs: 60, drainMs: 1_000, exit: (c) => exits.push(c) });
    life.add('database', 'database', (n) => void events.push(n));
    const { app, finish } = slowServer();
    life.addServer('subgraph', app);
    life.add('work', 'work', (n) => void events.push(n));
    expect(life.draining).toBe(false);
    const stopped = life.stop('SIGTERM', 0, { delay: true });
    expect(life.draining).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    // Still in the delay: nothing closed yet.
    expect(events).toEqual([]);
    setTimeout(() => (events.push('request done'), finish()), 80);
    await stopped;
    expect(events).toEqual(['request done', 'work', 'database']);
    expect(exits).toEqual([0]);
  });

  it('cuts the connections past the drain deadline, closes the rest, and exits 1', async () => {
    const closed: string[] = [];
    const exits: number[] = [];
    const life = new Lifecycle({ logger: quiet, drainMs: 50, exit: (c) => exits.push(c) });
    life.add('adapters', 'adapters', (n) => void closed.push(n));
    const { app, cut } = slowServer();
    life.addServer('gateway', app);
    await life.stop('SIGTERM');
    expect(cut).toEqual([1]);
    expect(closed).toEqual(['adapters']);
    expect(exits).toEqual([1]);
  });
});
