/**
 * Strings the gateway refuses to pass on: NUL characters (truncate strings in
 * C-based layers and PostgreSQL text) and lone UTF-16 surrogates (not Unicode
 * scalar values: they cannot be encoded as UTF-8 and come out mangled or
 * refused by the next layer).
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one; linear (no nested quantifiers).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the text holds a NUL character or a lone surrogate. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/**
 * True when any string or object key inside a JSON value holds a NUL
 * character or a lone surrogate. Iterative, so a deeply nested value cannot
 * overflow the stack; linear in the value's size.
 */
export function jsonHasUnsafeCharacters(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSAFE.test(v)) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        if (UNSAFE.test(key)) return true;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}
