/**
 * Horizontal bar charts as inline SVG, drawn by hand: no library, no
 * script, nothing fetched at view time. Each bar is a `<g class="bar">`
 * carrying its label and value as data attributes, with a `<title>` (the
 * full label and value as a tooltip and for assistive technology).
 */
import { redact } from './redact.ts';
import type { BarChart } from './types.ts';

const WIDTH = 760;
const LABEL_WIDTH = 330;
const VALUE_WIDTH = 80;
const BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10;
const ROW = 22;
const GROUP_ROW = 26;
const AXIS = 24;
/** About 7 px a character at 12 px: a label this long still fits left of the bars. */
const MAX_LABEL_CHARS = 44;
/** Colour per group, in order of first appearance: distinguishable, and dark enough for white-on-colour contrast. */
const PALETTE = ['#1f5fa8', '#a8431f', '#2a7a3b', '#7a2a7a', '#8a6d00', '#1f7a7a', '#5a5a5a', '#a81f5f'];

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number as shown: thousands separated by a thin space, one decimal at most. */
export function formatNumber(n: number): string {
  const s = Number.isInteger(n) ? String(n) : n.toFixed(1);
  const [int, frac] = s.split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return frac ? `${grouped}.${frac}` : grouped;
}

function shorten(label: string): string {
  return label.length <= MAX_LABEL_CHARS ? label : `${label.slice(0, MAX_LABEL_CHARS - 1)}…`;
}

/**
 * The chart as an `<svg>` element. `id` makes its title and description
 * referable; `title` is what the chart shows, in words.
 */
export function barChartSvg(chart: BarChart, id: string, title: string): string {
  const bars = chart.bars.map((b) => ({ ...b, label: redact(b.label) }));
  const percent = chart.unit.includes('%');
  const step = percent ? 25 : niceStep(Math.max(1, ...bars.map((b) => b.value)) / 4);
  const max = percent ? 100 : step * Math.ceil(Math.max(1, ...bars.map((b) => b.value)) / step);
  const scale = BAR_AREA / max;
  const groups: string[] = [];
  for (const b of bars) if (b.group !== undefined && !groups.includes(b.group)) groups.push(b.group);
  const grouped = groups.length > 0;
  const colour = (g: string | undefined): string => PALETTE[g === undefined ? 0 : groups.indexOf(g) % PALETTE.length]!;

  const rows: string[] = [];
  let y = AXIS;
  let current: string | undefined;
  for (const b of bars) {
    if (grouped && b.group !== current) {
      current = b.group;
      rows.push(`<text class="group-label" x="0" y="${y + 18}" font-weight="bold">${esc(b.group ?? '')}</text>`);
      y += GROUP_ROW;
    }
    const w = b.value > 0 ? Math.max(2, b.value * scale) : 0;
    const value = `${formatNumber(b.value)}${percent ? ' %' : ''}`;
    rows.push(
      `<g class="bar" data-label="${esc(b.label)}" data-value="${b.value}"${b.group !== undefined ? ` data-group="${esc(b.group)}"` : ''}>` +
        `<title>${esc(b.label)}: ${esc(value)} ${esc(percent ? '' : chart.unit)}</title>` +
        `<text class="bar-label" x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${esc(shorten(b.label))}</text>` +
        `<rect class="bar-rect" x="${LABEL_WIDTH}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" fill="${colour(b.group)}"/>` +
        `<text class="bar-value" x="${LABEL_WIDTH + w + 6}" y="${y + 15}">${esc(value)}</text>` +
        `</g>`,
    );
    y += ROW;
  }
  const height = y + 6;
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => {
    const v = i * step;
    const x = LABEL_WIDTH + v * scale;
    return (
      `<line class="grid" x1="${x.toFixed(1)}" y1="${AXIS - 4}" x2="${x.toFixed(1)}" y2="${height - 4}" stroke="#d0d0d0" stroke-width="1"/>` +
      `<text class="tick" x="${x.toFixed(1)}" y="${AXIS - 8}" text-anchor="middle">${esc(formatNumber(v))}</text>`
    );
  });
  const summary = bars
    .slice(0, 25)
    .map((b) => `${b.group !== undefined ? `${b.group} ` : ''}${b.label}: ${formatNumber(b.value)}`)
    .join('; ');
  const desc = `Bar chart, one bar per ${grouped ? 'item, grouped' : 'item'}, values in ${chart.unit}. ${summary}${bars.length > 25 ? `; and ${bars.length - 25} more (see the table)` : ''}.`;
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc" data-unit="${esc(chart.unit)}" data-bars="${bars.length}" font-family="system-ui, sans-serif" font-size="12">` +
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(desc)}</desc>` +
    ticks.join('') +
    rows.join('') +
    `</svg>`
  );
}

/** A round step (1, 2 or 5 times a power of ten) at least `raw`, so ticks fall on whole numbers people read easily. */
export function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}
