/**
 * The language of an answer and its errors' messages in it.
 *
 * The language is the client's `Accept-Language` (RFC 9110: ranges with
 * q-values, `sv-FI` matching `sv`, `*` any), the most preferred of fi, sv
 * and en; English when none of them is acceptable or the header is absent.
 * Answers of the GraphQL route carry `Content-Language` and
 * `Vary: Accept-Language`.
 */
import type { FastifyInstance } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import { addVary } from '../cors.ts';
import { ERROR_MESSAGES, LANGUAGES } from './catalogue.ts';
import type { Language } from './catalogue.ts';

export const DEFAULT_LANGUAGE: Language = 'en';

/** Longest Accept-Language header read; a longer one is read up to here (ranges past it are ignored). */
const MAX_HEADER_CHARS = 1_024;

/** The most preferred of fi, sv and en in an Accept-Language header; `en` without one. */
export function pickLanguage(header: string | undefined): Language {
  if (header === undefined) return DEFAULT_LANGUAGE;
  let best: Language | undefined;
  let bestQ = 0;
  for (const part of header.slice(0, MAX_HEADER_CHARS).split(',')) {
    const [rangeText, ...params] = part.split(';');
    const range = rangeText!.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (m) q = Number(m[1]);
    }
    if (!(q > 0) || q > 1) continue;
    const primary = range.split('-', 1)[0]!;
    // `*`: any language will do, so the default (unless a named one was preferred at least as much).
    const language =
      primary === '*' ? DEFAULT_LANGUAGE : (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : undefined;
    // Strictly greater: of equal q-values the first listed wins.
    if (language !== undefined && q > bestQ) {
      best = language;
      bestQ = q;
    }
  }
  return best ?? DEFAULT_LANGUAGE;
}

/** A value safe to put in a message: an instance id or a subgraph name, never free text. */
const PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The error's message in `language`: from the catalogue by code and reason
 * (then by code), its placeholders filled from the error's extensions; the
 * error's own message for English and for codes the catalogue does not have.
 * Everything but the message stays as it was.
 */
export function localizeError(error: GraphQLFormattedError, language: Language): GraphQLFormattedError {
  if (language === 'en') return error;
  const code = error.extensions?.code;
  if (typeof code !== 'string') return error;
  const reason = error.extensions?.reason;
  const entry = (typeof reason === 'string' ? ERROR_MESSAGES[`${code}/${reason}`] : undefined) ?? ERROR_MESSAGES[code];
  if (!entry) return error;
  let missing = false;
  const message = entry[language].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = error.extensions?.[name];
    if (typeof value === 'string' && PARAMETER.test(value)) return value;
    missing = true;
    return '';
  });
  // A placeholder without a value: the error's own (English) message rather than a sentence with a hole.
  return missing ? error : { ...error, message };
}

/** A GraphQL response body with every error's message localized; any other payload as it is (never changed in place). */
export function localizeResponseErrors(payload: unknown, language: Language): unknown {
  if (language === 'en' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const errors = (payload as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return payload;
  return {
    ...payload,
    errors: errors.map((e: unknown) => (typeof e === 'object' && e !== null ? localizeError(e as GraphQLFormattedError, language) : e)),
  };
}

/** The second half of registerLocalization: added after the hardening. */
export interface Localization {
  /** Adds the hook that rewrites the errors' messages; call it after registerHardening, whose masking must see the original messages. */
  localizeErrors(): void;
}

/**
 * Localizes the GraphQL route's answers: Content-Language and
 * Vary: Accept-Language on each (set in onRequest: call this before the
 * hardening, whose CSRF refusal is an onRequest answer too), then, once
 * `localizeErrors()` is called, its errors' messages at serialisation.
 */
export function registerLocalization(app: FastifyInstance, options: { readonly path: string }): Localization {
  const languages = new WeakMap<object, Language>();
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url !== options.path) return;
    const header = req.headers['accept-language'];
    const language = pickLanguage(typeof header === 'string' ? header : undefined);
    languages.set(req, language);
    reply.header('content-language', language);
    addVary(reply, 'Accept-Language');
  });
  return {
    localizeErrors() {
      app.addHook('preSerialization', async (req, _reply, payload) => {
        const language = languages.get(req);
        return language ? localizeResponseErrors(payload, language) : payload;
      });
    },
  };
}
