/** Pegasos (HL7 v2.5 over MLLP): adapter, emulator, wire format. */
export { createPegasosAdapter } from './adapter.ts';
export { startPegasosEmulator, type PegasosEmulatorOptions } from './emulator.ts';
export { readAnswer, type QueryAnswer } from './answer.ts';
export * from './format.ts';
export * from './hl7.ts';
export { MllpDecoder, encodeFrame, type MllpEvent } from './mllp.ts';
export { mapAppointments, mapChanged, mapFees, mapPatient, pidIdentifiers } from './map.ts';
export { MllpClient } from './transport.ts';
