/**
 * The GraphiQL page: examples embedded as inert JSON, naming the demo
 * persons only (issue 11, item 9), each with the demo user it is for among
 * the picker's identities.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_PERSONS, DEMO_USERS } from './auth/demoUsers.ts';
import { exampleOperations } from './examples.ts';
import { graphiqlPage } from './graphiql.ts';

/** Anything shaped like an identity code, in any century. */
const HETU = /\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/g;

describe('graphiqlPage', () => {
  it('embeds examples as inert JSON that no text can break out of', () => {
    const html = graphiqlPage('/graphql', [{ name: 'X', query: '# </script><script>alert(1)</script>\n{ a }' }]);
    expect(html.match(/<\/script>/g)).toHaveLength(5); // the config block and four scripts, nothing more
    expect(html).not.toContain('<script>alert');
    const json = /id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json).examples[0].query).toBe('# </script><script>alert(1)</script>\n{ a }');
  });

  it('embeds the saved examples with the demo persons’ codes only, each for a user of the picker', () => {
    const picker = { tokenEndpoint: '/dev-idp/token', users: DEMO_USERS.map(({ id, label }) => ({ id, label })) };
    const html = graphiqlPage('/graphql', exampleOperations({ today: '2026-11-23' }), picker);
    const config = JSON.parse(/id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!) as { examples: { identity?: string }[] };
    const codes = new Set(html.match(HETU) ?? []);
    expect(codes.size).toBeGreaterThan(0);
    for (const code of codes) expect(DEMO_PERSONS.map((p) => p.hetu)).toContain(code);
    for (const example of config.examples) expect(html).toContain(`<option value="${example.identity}"`);
  });
});
