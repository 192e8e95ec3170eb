/**
 * The terminal summary: status, headline figures, and the first rows of
 * each section's table. Plain text (no colours), so it reads the same in a
 * log file; no personal data (every text passes through `redact`).
 */
import { formatDuration } from './html.ts';
import { redact } from './redact.ts';
import { formatNumber } from './svg.ts';
import type { CommandResult, Section } from './types.ts';

/** Rows of each table shown in the terminal. */
const ROWS = 8;
const CELL = 70;

/** The summary as lines of text (ending with a newline). */
export function renderTerminal(result: CommandResult, files: readonly string[] = []): string {
  const out: string[] = [];
  out.push(`${redact(result.command)}: ${result.status === 'clean' ? 'clean' : 'problems found'} (${formatDuration(result.durationMs)})`);
  const entries = Object.entries(result.summary);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  for (const [k, v] of entries) out.push(`  ${redact(k).padEnd(width)}  ${typeof v === 'number' ? formatNumber(v) : redact(v)}`);
  for (const s of result.sections) out.push('', ...section(s));
  if (files.length > 0) out.push('', `Reports: ${files.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function section(s: Section): string[] {
  const lines = [redact(s.title)];
  const t = s.table;
  if (!t || t.rows.length === 0) {
    if (s.description) lines.push(`  ${redact(s.description)}`);
    return lines;
  }
  const rows = t.rows.slice(0, ROWS).map((r) => r.map(cell));
  const head = t.columns.map((c) => redact(c));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  lines.push(line(head));
  for (const r of rows) lines.push(line(r));
  const more = t.rows.length - rows.length + (t.truncated ?? 0);
  if (more > 0) lines.push(`  … ${formatNumber(more)} more rows in the reports`);
  return lines;
}

function cell(c: string | number): string {
  const s = typeof c === 'number' ? formatNumber(c) : redact(c).replace(/\s+/g, ' ');
  return s.length > CELL ? `${s.slice(0, CELL - 1)}…` : s;
}
