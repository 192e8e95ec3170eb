import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, paginate, sortByKey } from './connection.ts';
import { dataReadId, opaqueId, recordId } from './ids.ts';

interface Item {
  readonly date: string;
  readonly id: string;
}
const items: Item[] = [
  { date: '2026-01-01', id: 'a' },
  { date: '2026-01-02', id: 'b' },
  { date: '2026-01-02', id: 'c' },
  { date: '2026-01-05', id: 'd' },
  { date: '2026-02-01', id: 'e' },
];
const keyOf = (i: Item) => [i.date, i.id];

describe('paginate', () => {
  it('pages through a list with stable cursors, counting the whole list', () => {
    const one = paginate(items, keyOf, { first: 2 });
    expect(one.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(one.pageInfo).toEqual({ hasNextPage: true, endCursor: 'WyIyMDI2LTAxLTAyIiwiYiJd' });
    expect(one.totalCount).toBe(5);
    const two = paginate(items, keyOf, { first: 2, after: one.pageInfo.endCursor });
    expect(two.edges.map((e) => e.node.id)).toEqual(['c', 'd']);
    const three = paginate(items, keyOf, { first: 2, after: two.pageInfo.endCursor });
    expect(three.edges.map((e) => e.node.id)).toEqual(['e']);
    expect(three.pageInfo.hasNextPage).toBe(false);
  });

  it('resumes after the last item seen even when items were added or removed before it', () => {
    const one = paginate(items, keyOf, { first: 2 });
    const changed = [{ date: '2025-12-31', id: 'z' }, ...items.filter((i) => i.id !== 'b')];
    expect(paginate(changed, keyOf, { first: 2, after: one.pageInfo.endCursor }).edges.map((e) => e.node.id)).toEqual(['c', 'd']);
  });

  it('follows a descending order', () => {
    const desc = [...items].reverse();
    const one = paginate(desc, keyOf, { first: 2 }, { descending: true });
    expect(one.edges.map((e) => e.node.id)).toEqual(['e', 'd']);
    expect(paginate(desc, keyOf, { first: 2, after: one.pageInfo.endCursor }, { descending: true }).edges.map((e) => e.node.id)).toEqual([
      'c',
      'b',
    ]);
  });

  it('gives an empty page a null endCursor', () => {
    expect(paginate([], keyOf, {})).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
  });

  it('refuses first out of range and a cursor not made here', () => {
    expect(() => paginate(items, keyOf, { first: 0 })).toThrow('expected first from 1 to 100, received 0');
    expect(() => paginate(items, keyOf, { first: 101 })).toThrow('expected first from 1 to 100, received 101');
    expect(() => paginate(items, keyOf, { after: 'not a cursor' })).toThrow(
      'expected after as a cursor from a previous page, received another value',
    );
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toBeNull();
    expect(decodeCursor(`${encodeCursor(['x'])}A`)).toBeNull();
  });
});

describe('sortByKey', () => {
  it('orders by the key component by component (numbers before strings), ascending or descending, the order paginate pages in', () => {
    const keyed = [{ k: ['2026-01-02', 'b'] }, { k: [5, 'z'] }, { k: ['2026-01-01', 'c'] }, { k: ['2026-01-02', 'a'] }];
    expect(sortByKey(keyed, (x) => x.k).map((x) => x.k)).toEqual([
      [5, 'z'],
      ['2026-01-01', 'c'],
      ['2026-01-02', 'a'],
      ['2026-01-02', 'b'],
    ]);
    expect(sortByKey(keyed, (x) => x.k, true).map((x) => x.k.join())).toEqual(['2026-01-02,b', '2026-01-02,a', '2026-01-01,c', '5,z']);
    const sorted = sortByKey(keyed, (x) => x.k, true);
    const first = paginate(sorted, (x) => x.k, { first: 2 }, { descending: true });
    const rest = paginate(sorted, (x) => x.k, { after: first.pageInfo.endCursor }, { descending: true });
    expect([...first.edges, ...rest.edges].map((e) => e.node)).toEqual(sorted);
  });
});

describe('ids', () => {
  it('are stable, opaque and differ by type', () => {
    const source = { instance: 'effica-porvoo', localId: '1000' };
    expect(recordId('Plan', source)).toBe(recordId('Plan', { ...source }));
    expect(recordId('Plan', source)).not.toBe(recordId('Customership', source));
    expect(recordId('Plan', source)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(opaqueId('Customer:010101-900R')).not.toContain('010101');
    expect(dataReadId({ atMicros: 1_700_000_000_000_000n, id: 42n })).toBe(opaqueId('DataRead:1700000000000000:42'));
  });
});
