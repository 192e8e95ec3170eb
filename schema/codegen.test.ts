import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATED_HEADER, SUBGRAPH_CODEGEN, codegenDocument, generateAll } from './codegen.ts';
import { buildASTSchema } from 'graphql';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('resolver types generated from the subgraph SDL', () => {
  it('are committed as generated from the current SDL', async () => {
    const files = await generateAll();
    expect(files.map((f) => f.path)).toEqual(SUBGRAPH_CODEGEN.map((t) => t.output));
    for (const f of files) {
      const committed = readFileSync(`${ROOT}${f.path}`, 'utf8');
      // Not toEqual on the text: a diff of a few thousand generated lines says less than the remedy.
      expect(committed === f.text, `${f.path} is stale: run npm run codegen`).toBe(true);
      expect(committed.startsWith(`${GENERATED_HEADER}\n`)).toBe(true);
    }
  });

  it('read every subgraph SDL with the federation directives the plugin knows', () => {
    for (const t of SUBGRAPH_CODEGEN) expect(() => buildASTSchema(codegenDocument(t.sdl()))).not.toThrow();
  });
});
