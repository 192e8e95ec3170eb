/**
 * `npm run region -- --distributed`'s settings: PostgreSQL required (the
 * replicas share the index, the audit log and the leader lock), replicas
 * per service with --replicas and --scale, the gateways' ports, and a clear
 * sentence for each value that cannot be used.
 */
import { describe, expect, it } from 'vitest';
import { DistributedConfigError, parseDistributedOptions } from './options.ts';

const DB = { DATABASE_URL: 'postgresql://u:secret@127.0.0.1:5432/db' };

describe('npm run region -- --distributed options', () => {
  it('refuses to start without DATABASE_URL, or with one that is not PostgreSQL, never echoing it', () => {
    expect(() => parseDistributedOptions(['--distributed'], {})).toThrow(
      new DistributedConfigError(
        'expected DATABASE_URL as a postgres:// URL (the replicas share the person index, the audit log and the leader lock through PostgreSQL), received none',
      ),
    );
    expect(() => parseDistributedOptions(['--distributed'], { DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(
      'expected DATABASE_URL with scheme postgres: or postgresql:, received mysql:',
    );
  });

  it('runs two replicas of every subgraph by default, the gateways on 4000 and 4001, the schema fresh unless DATABASE_SCHEMA names one', () => {
    const o = parseDistributedOptions(['--distributed'], DB);
    expect(Object.values(o.replicas)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(Object.keys(o.replicas)).toEqual([
      'region',
      'lists',
      'porvoo',
      'sipoo',
      'loviisa',
      'askola',
      'lapinjarvi',
      'myrskyla',
      'pukkila',
    ]);
    expect(o).toMatchObject({
      gatewayPorts: [4000, 4001],
      logLevel: 'info',
      gatewayLogLevel: 'warn',
      control: false,
      databaseSchema: undefined,
    });
    expect(parseDistributedOptions(['--distributed', '--port', '0'], { ...DB, DATABASE_SCHEMA: 'mine' })).toMatchObject({
      gatewayPorts: [0, 0],
      databaseSchema: 'mine',
    });
  });

  it('scales one service with --scale NAME=N over --replicas', () => {
    const o = parseDistributedOptions(['--distributed', '--replicas', '1', '--scale', 'region=3', '--scale', 'porvoo=2'], DB);
    expect(o.replicas).toMatchObject({ region: 3, porvoo: 2, lists: 1, sipoo: 1 });
  });

  it('names the flag and the value it cannot use', () => {
    expect(() => parseDistributedOptions(['--distributed', '--replicas', '0'], DB)).toThrow(
      'expected --replicas as a whole number from 1 to 8, received "0"',
    );
    expect(() => parseDistributedOptions(['--distributed', '--scale', 'helsinki=2'], DB)).toThrow(
      'expected --scale NAME=N with NAME one of region, lists, porvoo, sipoo, loviisa, askola, lapinjarvi, myrskyla, pukkila, received "helsinki=2"',
    );
    expect(() => parseDistributedOptions(['--distributed', '--fixtures', '/nonexistent-region'], DB)).toThrow(
      'expected --fixtures as a directory laid out as region.md says, received /nonexistent-region, which is not a directory',
    );
    expect(() => parseDistributedOptions(['--distributed', '--workers', '2'], DB)).toThrow(DistributedConfigError);
  });
});
