/** Shared foundations of every adapter and emulator. */
export * from './adapter.ts';
export * from './errors.ts';
export * from './faults.ts';
export * from './hetu.ts';
export * from './model.ts';
export * from './money.ts';
export * from './region.ts';
export * from './time.ts';
export * from './xml.ts';
export * from './concurrency.ts';
export * from './transportFailure.ts';
export * from './retry.ts';
export * from './httpEmulator.ts';
export * from './soapHttp.ts';
export * from './xmlFast.ts';
export * from './answerLimits.ts';
