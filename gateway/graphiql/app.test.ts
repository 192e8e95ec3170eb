/**
 * GraphiQL's page script (app.js) in a minimal stand-in of the browser:
 * opening a saved example's tab signs in as the demo user the example names
 * in its first line (so each example runs as the identity it was written
 * for), and a user picked by hand stays while one works in the same tab.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { exampleOperations } from '../examples.ts';

interface Tab {
  id: string;
  query: string;
}
type OnTabChange = (state: { tabs: Tab[]; activeTabIndex: number }) => void;

/** Runs app.js with the examples and a picker of these users; returns the picker and GraphiQL's onTabChange. */
function load(users: readonly string[]): { picker: { value: string }; onTabChange: OnTabChange; tokensAskedFor: string[] } {
  const examples = exampleOperations({ today: '2026-11-23' });
  const tokensAskedFor: string[] = [];
  const listeners: (() => void)[] = [];
  const picker = {
    value: 'citizen',
    querySelector: (selector: string) => (users.some((u) => selector === `option[value="${u}"]`) ? {} : null),
    addEventListener: (_type: string, listener: () => void) => listeners.push(listener),
    dispatchEvent: () => listeners.forEach((l) => l()),
  };
  const elements: Record<string, unknown> = {
    'graphiql-config': { textContent: JSON.stringify({ endpoint: '/graphql', examples, identity: { tokenEndpoint: '/dev-idp/token' } }) },
    identity: picker,
    'identity-status': { textContent: '', className: '' },
    graphiql: {},
  };
  let props: { onTabChange?: OnTabChange } = {};
  const window = {
    location: { href: 'http://127.0.0.1:4000/graphiql' },
    sessionStorage: { getItem: () => null, setItem: () => undefined },
    fetch: async (url: string) => {
      tokensAskedFor.push(new URL(url).searchParams.get('as') ?? '');
      return { ok: true, json: async () => ({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString() }) };
    },
  };
  runInNewContext(readFileSync(new URL('./app.js', import.meta.url), 'utf8'), {
    window,
    document: { getElementById: (id: string) => elements[id] ?? null },
    CSS: { escape: (s: string) => s },
    Event: class {},
    URL,
    Date,
    JSON,
    Promise,
    Object,
    React: { createElement: (_c: unknown, p: typeof props) => (props = p) },
    ReactDOM: { createRoot: () => ({ render: () => undefined }) },
    GraphiQL: { createFetcher: () => () => undefined },
  });
  return { picker, onTabChange: props.onTabChange!, tokensAskedFor };
}

const tabs = (): Tab[] => exampleOperations({ today: '2026-11-23' }).map((e, i) => ({ id: `tab-${i}`, query: e.query }));

describe('GraphiQL page script', () => {
  it('opening an example’s tab signs in as the demo user the example is for', () => {
    const { picker, onTabChange, tokensAskedFor } = load(['citizen', 'physician', 'analyst']);
    const names = exampleOperations().map((e) => e.name);
    onTabChange({ tabs: tabs(), activeTabIndex: names.indexOf('ClientOverview') });
    expect(picker.value).toBe('physician');
    expect(tokensAskedFor.at(-1)).toBe('physician');
    onTabChange({ tabs: tabs(), activeTabIndex: names.indexOf('RegionStatistics') });
    expect(picker.value).toBe('analyst');
    onTabChange({ tabs: tabs(), activeTabIndex: names.indexOf('NextAppointments') });
    expect(picker.value).toBe('citizen');
  });

  it('keeps a user picked by hand while the same tab is edited, and ignores tabs that name no demo user', () => {
    const { picker, onTabChange } = load(['citizen', 'physician']);
    const all = tabs();
    onTabChange({ tabs: all, activeTabIndex: 3 });
    expect(picker.value).toBe('physician');
    picker.value = 'citizen'; // picked by hand
    onTabChange({ tabs: all.map((t, i) => (i === 3 ? { ...t, query: `${t.query}\n# edited` } : t)), activeTabIndex: 3 });
    expect(picker.value).toBe('citizen');
    onTabChange({ tabs: [...all, { id: 'mine', query: '{ municipalities { code } }' }], activeTabIndex: all.length });
    expect(picker.value).toBe('citizen');
    // An example for a user the picker does not offer leaves the picker as it is.
    onTabChange({ tabs: all, activeTabIndex: 4 });
    expect(picker.value).toBe('citizen');
  });
});
