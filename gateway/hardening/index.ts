/** GraphQL hardening at the gateway: limits, no batching, CSRF prevention, safe strings. */
export * from './csrf.ts';
export * from './document.ts';
export * from './limits.ts';
export * from './register.ts';
export * from './request.ts';
export * from './text.ts';
