/**
 * Money in integer cents. Sources write euros with a decimal comma
 * (`20,60`) or point (`20.60`); parsing is exact (no floating point).
 */

const EURO = /^(-?)(\d{1,9})(?:[.,](\d{1,2}))?$/;

/** Parses euros to cents; `undefined` when the text is not an amount. */
export function parseEuros(text: string, decimalSeparator: ',' | '.'): number | undefined {
  const t = text.trim();
  if (t.includes(decimalSeparator === ',' ? '.' : ',')) return undefined;
  const m = EURO.exec(t);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] === '-' && cents !== 0 ? -cents : cents;
}

/** Formats cents as euros with two decimals and the given separator (`20,60`). */
export function formatEuros(cents: number, decimalSeparator: ',' | '.'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}${decimalSeparator}${String(abs % 100).padStart(2, '0')}`;
}
