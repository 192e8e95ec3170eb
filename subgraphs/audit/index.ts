/** The audit log (issue 4): events, the append-only store, emergency grants, FHIR export. */
export * from './events.ts';
export * from './store.ts';
export * from './emergency.ts';
export * from './fhir.ts';
export { AUDIT_MIGRATIONS } from './schema.ts';
export * from './cursor.ts';
