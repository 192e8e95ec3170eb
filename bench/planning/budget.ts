/**
 * Issue 13's fetch budget: the most fetch nodes @apollo/query-planner's plan of
 * each (non-chain) planning operation may have on the committed supergraph,
 * each with why (budget.test.ts plans them and fails over a bound, or for an
 * operation without one). "muni" is the seven municipality subgraphs (askola,
 * lapinjarvi, loviisa, myrskyla, porvoo, pukkila, sipoo), one fetch each.
 * Plan times are the bench report's to flag (overTarget), not a test's.
 */
import type { PlanningOperationReport } from '../scenarios/planning.ts';
import type { PlanMeasurement } from './measure.ts';
import { planTargetMs } from './operations.ts';

export interface FetchBound {
  /** Most fetch nodes of the plan. */
  readonly fetches: number;
  /** One line: where they come from. */
  readonly why: string;
}

/** Operations the schema must refuse (reported "invalid" before planning). */
export const REFUSED_BY_SCHEMA: readonly string[] = ['issue-13/guardians-8'];

/** Per operation name (bench/planning/operations.ts), chains excepted. */
export const FETCH_BOUNDS: Readonly<Record<string, FetchBound>> = {
  'readme/curl-1': { fetches: 9, why: '1 region + 7 muni + 1 lists (the appointments)' },
  'readme/ClientOverview': {
    fetches: 18,
    why: "1 region + 7 muni + 2 lists, then the fee ceiling's requirements: 7 muni + 1 lists",
  },
  'readme/curl-2': { fetches: 9, why: '1 region + 7 muni + 1 lists' },
  'readme/CodeLists': { fetches: 1, why: '1 region (public code lists)' },
  'readme/Fees': { fetches: 9, why: '1 region + 7 muni + 1 lists (a page of fees, issue 15)' },
  'readme/MyOverview': {
    fetches: 25,
    why: "1 region + 7 muni + 1 lists for each of the citizen's appointments, the fee ceiling and the dependants' appointments",
  },
  'readme/MyDay': {
    fetches: 17,
    why: "1 region (me, the unit index, the customers' region fields) + 7 muni + 1 lists for the appointments and for the clients' customerships",
  },
  'gateway-examples/NextAppointments': { fetches: 9, why: '1 region + 7 muni + 1 lists' },
  'gateway-examples/FeesAndCeiling': {
    fetches: 19,
    why: "3 region + 14 muni + 2 lists: fees, then the fee ceiling and its dependants' fees",
  },
  'gateway-examples/ChildOfGuardian': { fetches: 9, why: '1 region + 7 muni + 1 lists' },
  'gateway-examples/ClientOverview': { fetches: 11, why: '1 region + 7 muni + 3 lists (one per distinct record requirement)' },
  'gateway-examples/RegionStatistics': { fetches: 1, why: '1 region' },
  'schema-examples/NextAppointments': { fetches: 9, why: '1 region + 7 muni + 1 lists' },
  'schema-examples/ClientOverview': { fetches: 12, why: '1 region + 7 muni + 4 lists' },
  'schema-examples/FeesAndCeiling': {
    fetches: 20,
    why: "4 region + 14 muni + 2 lists: fees, then the fee ceiling and its dependants' fees",
  },
  'e2e-region/Customer': { fetches: 12, why: '1 region + 7 muni + 4 lists (region.test.ts LISTS_FETCHES)' },
  'e2e-region/AppointmentFilters': { fetches: 9, why: '1 region + 7 muni + 1 lists (five aliased appointment lists in one)' },
  'e2e-region/Ceiling': { fetches: 17, why: '1 region + 7 muni + 1 lists, then the fee ceiling: 7 muni + 1 lists' },
  'e2e-access/PersonalFields': { fetches: 12, why: '1 region + 7 muni + 4 lists' },
  'e2e-access/NurseTurvakielto': { fetches: 9, why: '1 region + 7 muni + 1 lists' },
  'e2e-access/PhysicianNoCareRelation': { fetches: 9, why: '1 region + 7 muni + 1 lists' },
  'e2e-access/PublicAndPersonal': { fetches: 1, why: '1 region (municipalities and the surname)' },
  'e2e-access/SurnameOnly': { fetches: 1, why: '1 region' },
  'e2e-access/AliasedClients': { fetches: 321, why: '40 clients: 1 region + 40 × (7 muni + 1 lists)' },
  'issue-13/dependants': { fetches: 1, why: '1 region (Relative is the region’s)' },
  'issue-13/guardians-surname': { fetches: 1, why: '1 region, no municipality fetch (issue 13 item 3)' },
};

/**
 * Why an operation misses issue 13's plan-time target with this planner, or
 * null when it meets it: planned but warm (cold when there were no re-plans)
 * over planTargetMs (50 ms; 100 for a chain), or over the budget. An operation refused by the schema,
 * not planned by this planner, or not measured, misses nothing here.
 */
export function overTarget(op: Pick<PlanningOperationReport, 'chainDepth'>, m: PlanMeasurement | undefined): string | null {
  if (m?.status === 'over-budget') return 'over budget';
  if (m?.status !== 'planned') return null;
  const ms = m.warmMs ?? m.coldMs;
  const targetMs = planTargetMs(op);
  if (ms === null || ms <= targetMs) return null;
  return `${ms.toFixed(1)} ms${m.warmMs === null ? ' cold' : ''} > ${targetMs}`;
}
