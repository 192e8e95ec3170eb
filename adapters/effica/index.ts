/** Sosiaali Effica, the social care client XML service (effica.md). */
export { createEfficaAdapter } from './adapter.ts';
export { startEfficaEmulator } from './emulator.ts';
export type { EfficaEmulatorOptions } from './emulator.ts';
export { mapAsiakas, readChangedPage, readClientAnswer, readVirhe } from './map.ts';
export type { ChangedReading, ClientReading } from './map.ts';
export * from './format.ts';
