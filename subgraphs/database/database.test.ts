import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseConfigError, parseDatabaseConfig } from './config.ts';
import { openDatabase } from './database.ts';
import type { Database } from './database.ts';
import { migrate } from './migrations.ts';
import { BACKENDS, openTestDatabase } from './testSupport.ts';

describe('parseDatabaseConfig', () => {
  it('chooses in-memory PGlite without DATABASE_URL', () => {
    expect(parseDatabaseConfig({})).toEqual({ kind: 'pglite' });
    expect(parseDatabaseConfig({ DATABASE_URL: '  ' })).toEqual({ kind: 'pglite' });
  });

  it('chooses a PGlite data directory when PGLITE_DATA_DIR is set', () => {
    expect(parseDatabaseConfig({ PGLITE_DATA_DIR: '/var/lib/region/index' })).toEqual({ kind: 'pglite', dataDir: '/var/lib/region/index' });
  });

  it('chooses PostgreSQL when DATABASE_URL is set, with pool size and schema', () => {
    expect(parseDatabaseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/region' })).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/region',
      poolSize: 10,
    });
    expect(
      parseDatabaseConfig({ DATABASE_URL: 'postgresql://db/region', DATABASE_POOL_SIZE: '3', DATABASE_SCHEMA: 'person_index' }),
    ).toEqual({ kind: 'postgres', url: 'postgresql://db/region', poolSize: 3, schema: 'person_index' });
  });

  it('rejects unusable values without echoing the connection string', () => {
    const bad = () => parseDatabaseConfig({ DATABASE_URL: 'host=db password=s3cret' });
    expect(bad).toThrow(DatabaseConfigError);
    expect(bad).toThrow(/expected DATABASE_URL as a postgres:\/\/ URL/);
    expect(bad).not.toThrow(/s3cret/);
    expect(() => parseDatabaseConfig({ DATABASE_URL: 'mysql://u:s3cret@db/x' })).toThrow('received mysql:');
    expect(() => parseDatabaseConfig({ DATABASE_URL: 'postgres://db/x', DATABASE_POOL_SIZE: 'ten' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => parseDatabaseConfig({ DATABASE_URL: 'postgres://db/x', DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => parseDatabaseConfig({ DATABASE_URL: 'postgres://db/x', DATABASE_SCHEMA: 'x; DROP TABLE y' })).toThrow(/DATABASE_SCHEMA/);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(
    `Database on ${backend.name}${backend.available ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
    () => {
      let db: Database;
      let cleanup: () => Promise<void>;
      beforeAll(async () => {
        ({ db, cleanup } = await openTestDatabase(backend.name));
        await db.exec('CREATE TABLE t (k text PRIMARY KEY, v text); CREATE TABLE u (n int)');
      });
      afterAll(() => cleanup?.());

      it('says which engine it is', () => {
        expect(db.kind).toBe(backend.name);
      });

      it('runs $n parameters, arrays with nulls, and int casts the same way', async () => {
        await db.query('INSERT INTO t SELECT * FROM unnest($1::text[], $2::text[])', [
          ['a', 'b'],
          ['ä', null],
        ]);
        expect(await db.query('SELECT k, v FROM t WHERE k = ANY($1::text[]) ORDER BY k', [['a', 'b', 'z']])).toEqual([
          { k: 'a', v: 'ä' },
          { k: 'b', v: null },
        ]);
        expect(await db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 2 }]);
        const [row] = await db.query<{ at: Date }>("SELECT '2025-10-26T03:30:00+03:00'::timestamptz AS at");
        expect(row!.at).toBeInstanceOf(Date);
        expect(row!.at.toISOString()).toBe('2025-10-26T00:30:00.000Z');
      });

      it('commits a transaction that resolves', async () => {
        const out = await db.transaction(async (tx) => {
          await tx.query('INSERT INTO u VALUES ($1)', [1]);
          return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM u'))[0]!.n;
        });
        expect(out).toBe(1);
        expect(await db.query('SELECT n FROM u')).toEqual([{ n: 1 }]);
      });

      it('rolls back a transaction that rejects and passes the rejection on', async () => {
        await expect(
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO u VALUES ($1)', [2]);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await db.query('SELECT n FROM u ORDER BY n')).toEqual([{ n: 1 }]);
      });

      it('applies each migration once, in order, and records it', async () => {
        const first = [
          { name: 'test-001', sql: 'CREATE TABLE m1 (x int); INSERT INTO m1 VALUES (1)' },
          { name: 'test-002', sql: 'ALTER TABLE m1 ADD COLUMN y int' },
        ];
        expect(await migrate(db, first)).toEqual(['test-001', 'test-002']);
        expect(await migrate(db, first)).toEqual([]);
        // Another module (e.g. the audit log) adds its own list later.
        expect(await migrate(db, [...first, { name: 'audit-001', sql: 'CREATE TABLE a1 (x int)' }])).toEqual(['audit-001']);
        expect(await db.query('SELECT x, y FROM m1')).toEqual([{ x: 1, y: null }]);
        const names = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
        expect(names.map((r) => r.name)).toEqual(['audit-001', 'test-001', 'test-002']);
      });

      it('leaves a failing migration unapplied and unrecorded', async () => {
        const list = [{ name: 'test-bad', sql: 'CREATE TABLE bad1 (x int); SELECT * FROM no_such_table' }];
        await expect(migrate(db, list)).rejects.toThrow();
        expect(await db.query("SELECT name FROM schema_migrations WHERE name = 'test-bad'")).toEqual([]);
        expect(await db.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'bad1'")).toEqual([{ n: 0 }]);
      });

      it('refuses a list naming one migration twice', async () => {
        await expect(
          migrate(db, [
            { name: 'dup', sql: 'SELECT 1' },
            { name: 'dup', sql: 'SELECT 2' },
          ]),
        ).rejects.toThrow('listed twice');
      });
    },
  );
}

describe('PGlite with a data directory', () => {
  it('keeps data and applied migrations across a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pglite-'));
    try {
      const list = [{ name: 'keep-001', sql: 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)' }];
      const a = await openDatabase(parseDatabaseConfig({ PGLITE_DATA_DIR: dir }));
      expect(await migrate(a, list)).toEqual(['keep-001']);
      await a.close();
      const b = await openDatabase(parseDatabaseConfig({ PGLITE_DATA_DIR: dir }));
      expect(await migrate(b, list)).toEqual([]);
      expect(await b.query('SELECT x FROM kept')).toEqual([{ x: 7 }]);
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
