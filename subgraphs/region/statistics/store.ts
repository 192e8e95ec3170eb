/**
 * Where the leader publishes the analysts' statistics for every replica: one
 * row holding the served form (suppressed cells, how current per source),
 * with a version that grows at each publish so followers reload only when it
 * changed. Aggregates only: no count below 5, no personal data. The
 * per-person contributions behind them are never stored (service.ts).
 */
import type { Database } from '../../database/database.ts';
import { migrate } from '../../database/migrations.ts';
import type { Migration } from '../../database/migrations.ts';
import { LEADER_LOCK_CLASS, leaderFence } from '../../database/leader.ts';
import type { ServedStatistics } from './publish.ts';

export const STATISTICS_MIGRATIONS: readonly Migration[] = [
  {
    name: 'region-statistics-001',
    sql: `
      CREATE TABLE region_statistics (
        id           int         PRIMARY KEY CHECK (id = 1),
        version      bigint      NOT NULL,
        published_at timestamptz NOT NULL,
        body         jsonb       NOT NULL
      );
    `,
  },
];

/** The published statistics' row. Open with `PublishedStatisticsStore.open`, which migrates it. */
export class PublishedStatisticsStore {
  private constructor(private readonly db: Database) {}

  static async open(db: Database): Promise<PublishedStatisticsStore> {
    await migrate(db, STATISTICS_MIGRATIONS);
    return new PublishedStatisticsStore(db);
  }

  /**
   * Replaces what is published. With `leaderPid` (PostgreSQL), the write
   * happens only while that server session still holds the leader lock, so a
   * leader that lost the lock without knowing yet cannot overwrite its
   * successor's figures. Resolves with the new version, or null when fenced off.
   */
  async save(statistics: ServedStatistics, at: Date, leaderPid: number | null): Promise<number | null> {
    const rows = await this.db.query<{ version: string | number }>(
      `INSERT INTO region_statistics AS r (id, version, published_at, body)
       SELECT 1, 1, $1::timestamptz, $2::jsonb
        WHERE ${leaderFence('$3', '$4')}
       ON CONFLICT (id) DO UPDATE SET version = r.version + 1, published_at = EXCLUDED.published_at, body = EXCLUDED.body
       RETURNING version`,
      [at.toISOString(), JSON.stringify(statistics), leaderPid, LEADER_LOCK_CLASS],
    );
    return rows[0] === undefined ? null : Number(rows[0].version);
  }

  /** The version published, or null when nothing was. */
  async version(): Promise<number | null> {
    const rows = await this.db.query<{ version: string | number }>('SELECT version FROM region_statistics WHERE id = 1');
    return rows[0] === undefined ? null : Number(rows[0].version);
  }

  /** What is published, with its version, or null. */
  async load(): Promise<{ readonly version: number; readonly statistics: ServedStatistics } | null> {
    const rows = await this.db.query<{ version: string | number; body: ServedStatistics | string }>(
      'SELECT version, body FROM region_statistics WHERE id = 1',
    );
    const row = rows[0];
    if (!row) return null;
    return {
      version: Number(row.version),
      statistics: typeof row.body === 'string' ? (JSON.parse(row.body) as ServedStatistics) : row.body,
    };
  }
}
