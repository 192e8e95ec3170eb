import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle.ts';

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
