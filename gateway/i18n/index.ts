/** Localized error messages (fi, sv, en) by Accept-Language. */
export * from './catalogue.ts';
export * from './localize.ts';
