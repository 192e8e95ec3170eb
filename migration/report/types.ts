/**
 * What every migration command produces, and every renderer (terminal,
 * JSON, self-contained HTML) consumes. Commands never print; renderers never
 * compute.
 */

/** Exit codes of `npm run migration`. */
export const EXIT = { CLEAN: 0, PROBLEMS: 1, COULD_NOT_RUN: 2 } as const;

export interface BarChart {
  readonly kind: 'bars';
  /** What the values count, e.g. "records", "% empty". */
  readonly unit: string;
  readonly bars: readonly { readonly label: string; readonly value: number; readonly group?: string }[];
}

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Rows left out to keep the report readable (the JSON has them all). */
  readonly truncated?: number;
}

/** One titled part of a report: a chart, a table, or both. */
export interface Section {
  readonly id: string;
  readonly title: string;
  /** One or two sentences saying what the section shows. */
  readonly description?: string;
  readonly chart?: BarChart;
  readonly table?: Table;
}

export interface CommandResult {
  /** e.g. `check lifecare-porvoo`, `diff --from lifecare-phhyky --to lifecare-porvoo`. */
  readonly command: string;
  /** clean: nothing to report; problems: findings listed in the sections. */
  readonly status: 'clean' | 'problems';
  /** Headline figures, e.g. { persons: 48205, errors: 12 }. */
  readonly summary: Readonly<Record<string, number | string>>;
  readonly sections: readonly Section[];
  /** Full machine-readable findings (written to the JSON file only). */
  readonly details?: unknown;
  /** When it ran, ISO instant with offset; how long it took. */
  readonly startedAt: string;
  readonly durationMs: number;
}
