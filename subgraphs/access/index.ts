/** Access control (issue 4): the policy engine, its errors and aggregate suppression. */
export * from './policy.ts';
export * from './errors.ts';
export * from './aggregates.ts';
