/** Answer limits: defaults per product, an instance's own settings, and the counting of bytes and references as chunks arrive. */
import { describe, expect, it } from 'vitest';
import { AnswerBudget, answerLimits, answerLimitsProblem, DEFAULT_ANSWER_LIMITS, readWithin, type AbortableBody } from './answerLimits.ts';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** A body of chunks that records whether it was destroyed and how many chunks were taken. */
function body(chunks: string[]): AbortableBody & { destroyed: boolean; taken: number } {
  const b = {
    destroyed: false,
    taken: 0,
    destroy() {
      b.destroyed = true;
    },
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) {
        if (b.destroyed) return;
        b.taken++;
        yield bytes(c);
      }
    },
  };
  return b;
}

describe('answerLimits', () => {
  it("takes the product's defaults, with the instance's own settings over them", () => {
    expect(answerLimits('effica', undefined)).toEqual(DEFAULT_ANSWER_LIMITS.effica);
    expect(answerLimits('effica', { maxReferences: 5 })).toEqual({ maxResponseBytes: 4 * 1024 * 1024, maxReferences: 5 });
  });

  it('refuses settings that are not whole positive numbers, saying which', () => {
    expect(answerLimitsProblem({ maxResponseBytes: 1, maxReferences: 0 })).toBeUndefined();
    expect(answerLimitsProblem({ maxResponseBytes: 0 })).toBe('expected maxResponseBytes as a positive whole number of bytes, received 0');
    expect(answerLimitsProblem({ maxResponseBytes: 1.5 })).toBe(
      'expected maxResponseBytes as a positive whole number of bytes, received 1.5',
    );
    expect(answerLimitsProblem({ maxReferences: -1 })).toBe('expected maxReferences as a whole number of at least 0, received -1');
  });
});

describe('AnswerBudget and readWithin', () => {
  it('reads an answer exactly at both limits, references split across chunks included', async () => {
    const b = body(['<a>&am', 'p;&#228;', '</a>']);
    const read = await readWithin(b, new AnswerBudget({ maxResponseBytes: 18, maxReferences: 2 }, true));
    expect(Buffer.from(read as Uint8Array).toString('latin1')).toBe('<a>&amp;&#228;</a>');
    expect(b.destroyed).toBe(false);
  });

  it('stops at the chunk that passes the byte limit and destroys the body', async () => {
    const b = body(['0123456789', '0123456789', '0123456789', '0123456789']);
    expect(await readWithin(b, new AnswerBudget({ maxResponseBytes: 15, maxReferences: 0 }, false))).toEqual({
      kind: 'tooLarge',
      reason: 'expected an answer of at most 15 bytes, received a larger one',
    });
    expect(b.destroyed).toBe(true);
    expect(b.taken).toBe(2);
  });

  it('counts references only for XML sources', async () => {
    const refs = ['&#65;&#65;&#65;'];
    expect(await readWithin(body(refs), new AnswerBudget({ maxResponseBytes: 100, maxReferences: 2 }, true))).toEqual({
      kind: 'tooManyReferences',
      reason: 'expected at most 2 entity or character references in the answer, received more',
    });
    expect(await readWithin(body(refs), new AnswerBudget({ maxResponseBytes: 100, maxReferences: 2 }, false))).toBeInstanceOf(Uint8Array);
  });

  it('refuses a declared Content-Length over the limit before reading', () => {
    const budget = new AnswerBudget({ maxResponseBytes: 100, maxReferences: 0 }, false);
    expect(budget.declared('101')).toEqual({ kind: 'tooLarge', reason: 'expected an answer of at most 100 bytes, received a larger one' });
    expect(budget.declared('100')).toBeUndefined();
    expect(budget.declared(undefined)).toBeUndefined();
  });
});
