/**
 * The domain kernel: the canonical model, identity codes, Helsinki time,
 * money, the region table, the source error catalogue and the contract
 * every source adapter implements. It imports nothing of the project.
 */
export * from './sourceAdapter.ts';
export * from './errors.ts';
export * from './hetu.ts';
export * from './model.ts';
export * from './money.ts';
export * from './region.ts';
export * from './time.ts';
