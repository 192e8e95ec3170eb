/** Trusted documents (GraphQL-over-HTTP persisted documents): the registry, its modes and its hook. */
export * from './documents.ts';
export * from './register.ts';
