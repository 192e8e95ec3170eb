import { describe, expect, it } from 'vitest';
import { Faults, delay } from './faults.ts';

describe('Faults', () => {
  it('counts every request, faulty or not', () => {
    const f = new Faults();
    expect(f.requests).toBe(0);
    f.next();
    f.next();
    f.set({ mode: 'drop' });
    f.next();
    f.clear();
    f.next();
    expect(f.requests).toBe(4);
  });

  it('answers normally with no plan', () => {
    const f = new Faults();
    const a = f.next();
    expect(a).toEqual({ latencyMs: 0 });
    expect('mode' in a).toBe(false);
  });

  it('keeps a mode without times until cleared', () => {
    const f = new Faults();
    f.set({ mode: 'maintenance' });
    for (let i = 0; i < 5; i++) expect(f.next()).toEqual({ latencyMs: 0, mode: 'maintenance' });
    f.clear();
    expect(f.next()).toEqual({ latencyMs: 0 });
  });

  it('applies a mode with times to exactly that many requests, then clears it', () => {
    const f = new Faults();
    f.set({ mode: 'overload', times: 2 });
    expect(f.next().mode).toBe('overload');
    expect(f.next().mode).toBe('overload');
    expect(f.next().mode).toBeUndefined();
    expect(f.next().mode).toBeUndefined();
    expect(f.requests).toBe(4);
  });

  it('applies times: 1 to the next request only', () => {
    const f = new Faults();
    f.set({ mode: 'malformed', times: 1 });
    expect(f.next()).toEqual({ latencyMs: 0, mode: 'malformed' });
    expect(f.next()).toEqual({ latencyMs: 0 });
  });

  it('keeps the latency after the counted mode is used up', () => {
    const f = new Faults();
    f.set({ latencyMs: 250, mode: 'drop', times: 1 });
    expect(f.next()).toEqual({ latencyMs: 250, mode: 'drop' });
    expect(f.next()).toEqual({ latencyMs: 250 });
    expect(f.next()).toEqual({ latencyMs: 250 });
  });

  it('applies latency alone to every request', () => {
    const f = new Faults();
    f.set({ latencyMs: 40 });
    expect(f.next()).toEqual({ latencyMs: 40 });
    expect(f.next()).toEqual({ latencyMs: 40 });
  });

  it('replaces the whole plan on set and copies it', () => {
    const f = new Faults();
    const plan = { latencyMs: 100, mode: 'overload' as const, times: 3 };
    f.set(plan);
    f.next();
    expect(plan.times).toBe(3); // the caller's object is not consumed
    f.set({ mode: 'maintenance' });
    expect(f.next()).toEqual({ latencyMs: 0, mode: 'maintenance' });
    plan.times = 0;
    expect(f.next()).toEqual({ latencyMs: 0, mode: 'maintenance' });
  });

  it('does not reset the request count on clear or set', () => {
    const f = new Faults();
    f.next();
    f.clear();
    f.set({ latencyMs: 1 });
    f.next();
    expect(f.requests).toBe(2);
  });
});

describe('delay', () => {
  it('resolves after roughly the given time', async () => {
    const started = performance.now();
    await delay(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('resolves with 0 on a later macrotask', async () => {
    let ran = false;
    setTimeout(() => {
      ran = true;
    }, 0);
    await delay(0);
    expect(ran).toBe(true);
  });
});
