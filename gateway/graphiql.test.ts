import { describe, expect, it } from 'vitest';
import { graphiqlPage } from './graphiql.ts';

describe('graphiqlPage', () => {
  it('embeds examples as inert JSON that no text can break out of', () => {
    const html = graphiqlPage('/graphql', [{ name: 'X', query: '# </script><script>alert(1)</script>\n{ a }' }]);
    expect(html.match(/<\/script>/g)).toHaveLength(5); // the config block and four scripts, nothing more
    expect(html).not.toContain('<script>alert');
    const json = /id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json).examples[0].query).toBe('# </script><script>alert(1)</script>\n{ a }');
  });
});
