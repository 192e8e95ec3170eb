/** VTJ, the population information query service (vtj.md). */
export { createVtjAdapter } from './adapter.ts';
export { startVtjEmulator } from './emulator.ts';
export type { VtjEmulatorOptions } from './emulator.ts';
export { readVtjAnswer, mapHenkilo } from './map.ts';
export type { VtjReading } from './map.ts';
export * from './format.ts';
