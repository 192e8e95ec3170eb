/** ProConsona (social care, read-only SQL views): adapter, emulator and wire format. */
export { createProconsonaAdapter, CHANGED_PAGE_SIZE, type ProconsonaAdapterOptions } from './adapter.ts';
export { startProconsonaEmulator, type ProconsonaEmulator, type ProconsonaEmulatorOptions } from './emulator.ts';
export * from './format.ts';
export * from './tsv.ts';
