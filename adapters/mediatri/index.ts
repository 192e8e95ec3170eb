/** Mediatri (CSV export over HTTP): adapter, emulator and wire format. */
export { createMediatriAdapter } from './adapter.ts';
export { startMediatriEmulator } from './emulator.ts';
export type { MediatriEmulatorOptions } from './emulator.ts';
export { decodeWindows1252, encodeWindows1252, formatRecord, parseCsv, quoteField, toWindows1252Repertoire } from './csv.ts';
export { COLUMNS, TABLES, exportPath, formatDate, formatTime, formatTimestamp, headerRow } from './format.ts';
export type { Table } from './format.ts';
export { feeCareArea, mapChanged, mapPerson, professionalKindOf } from './map.ts';
