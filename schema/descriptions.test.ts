/**
 * Every element of the client-facing schema (schema/api.graphql) carries a
 * description: each type, field, argument, input field and enum value. A
 * frontend developer reads the schema file and GraphiQL's docs, so a new
 * field without one fails here, naming it.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import type { DefinitionNode, StringValueNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { API_SCHEMA_PATH } from './compose.ts';

/** True when a description is present and says something. */
const described = (d: StringValueNode | undefined): boolean => (d?.value.trim() ?? '') !== '';

/**
 * Every schema element of the definitions without a description, as
 * `Type`, `Type.field`, `Type.field(arg)`, `Input.field` or `Enum.VALUE`.
 */
export function undescribedElements(definitions: readonly DefinitionNode[]): string[] {
  const missing: string[] = [];
  for (const def of definitions) {
    switch (def.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION: {
        const type = def.name.value;
        if (!described(def.description)) missing.push(type);
        for (const f of def.fields ?? []) {
          if (!described(f.description)) missing.push(`${type}.${f.name.value}`);
          for (const a of f.arguments ?? []) if (!described(a.description)) missing.push(`${type}.${f.name.value}(${a.name.value})`);
        }
        break;
      }
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        if (!described(def.description)) missing.push(def.name.value);
        for (const f of def.fields ?? []) if (!described(f.description)) missing.push(`${def.name.value}.${f.name.value}`);
        break;
      case Kind.ENUM_TYPE_DEFINITION:
        if (!described(def.description)) missing.push(def.name.value);
        for (const v of def.values ?? []) if (!described(v.description)) missing.push(`${def.name.value}.${v.name.value}`);
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
        if (!described(def.description)) missing.push(def.name.value);
        break;
      case Kind.DIRECTIVE_DEFINITION:
        for (const a of def.arguments ?? []) if (!described(a.description)) missing.push(`@${def.name.value}(${a.name.value})`);
        break;
      default:
        break;
    }
  }
  return missing;
}

describe('descriptions of the API schema', () => {
  it('finds an undescribed type, field, argument, input field and enum value', () => {
    const doc = parse(`
      "d" type Q { "d" a(x: Int, "d" y: Int): Int  b: Int }
      type T { "d" c: Int }
      "d" enum E { "d" A B }
      "d" input I { "d" p: Int q: Int }
      scalar S
    `);
    expect(undescribedElements(doc.definitions)).toEqual(['Q.a(x)', 'Q.b', 'T', 'E.B', 'I.q', 'S']);
  });

  it('describes every type, field, argument, input field and enum value of schema/api.graphql', () => {
    const missing = undescribedElements(parse(readFileSync(API_SCHEMA_PATH, 'utf8')).definitions);
    expect(missing, `Without a description (add one in schema/model.ts, sdl.ts or statistics.ts):\n${missing.join('\n')}`).toEqual([]);
  });
});
