/**
 * The planner pool's own bounds: a full queue is refused at once, a worker
 * over budget is replaced, and a supergraph the workers cannot load fails the
 * start instead of respawning for ever.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from '../config.ts';
import { parse, print } from 'graphql';
import { PlanFailedError, PlannerBusyError, PlannerPool, PlanTooComplexError } from './plannerPool.ts';
import { revivePlan } from './planText.ts';
import { ceilingChain } from './testSupport.ts';

const sdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const chain = (n: number) => print(parse(ceilingChain(n)));

describe('PlannerPool', () => {
  it('refuses a job beyond its queue at once, refuses the runaway plan at its budget, and plans again on a new worker', async () => {
    const pool = new PlannerPool({ supergraphSdl: sdl, threads: 1, budgetMs: 400, maxQueue: 1 });
    try {
      await pool.ready();
      const runaway = pool.plan(chain(7), null);
      const waiting = pool.plan('{ __typename }', null);
      expect(pool.waiting).toBe(1);
      await expect(pool.plan('{ __typename }', null)).rejects.toBeInstanceOf(PlannerBusyError);
      await expect(runaway).rejects.toThrow(
        new PlanTooComplexError('Expected an operation the gateway can plan within 400 ms, received one that takes longer.'),
      );
      // The waiting job runs on the replacement worker.
      expect(revivePlan(await waiting).kind).toBe('QueryPlan');
    } finally {
      await pool.close();
    }
  });

  it('fails to start, rather than respawn for ever, when its workers cannot load the supergraph', async () => {
    const pool = new PlannerPool({ supergraphSdl: 'not a supergraph', threads: 1, budgetMs: 400 });
    try {
      await expect(pool.ready()).rejects.toBeInstanceOf(PlanFailedError);
      await expect(pool.plan('{ __typename }', null)).rejects.toBeInstanceOf(PlanFailedError);
    } finally {
      await pool.close();
    }
  });
});
