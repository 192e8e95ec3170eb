import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedDirective,
  isTypeDefinitionNode,
  isTypeExtensionNode,
  Kind,
  parse,
} from 'graphql';
import type { DirectiveNode, GraphQLNamedType, GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_SCHEMA_PATH, apiSchemaSdl, composeRegion } from './compose.ts';

/** An element of the supergraph marked @inaccessible: a type, or a field (or input field, or enum value) of a type. */
interface InaccessibleElement {
  readonly type: string;
  readonly field?: string;
}

const isInaccessible = (directives: readonly DirectiveNode[] | undefined): boolean =>
  (directives ?? []).some((d) => d.name.value === 'inaccessible');

/** Every type, field, input field and enum value the supergraph SDL marks @inaccessible, found by parsing it. */
function inaccessibleElements(supergraphSdl: string): InaccessibleElement[] {
  const found: InaccessibleElement[] = [];
  for (const def of parse(supergraphSdl).definitions) {
    if (!isTypeDefinitionNode(def) && !isTypeExtensionNode(def)) continue;
    const type = def.name.value;
    if (isInaccessible(def.directives)) found.push({ type });
    const members =
      def.kind === Kind.ENUM_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_EXTENSION
        ? (def.values ?? [])
        : 'fields' in def
          ? (def.fields ?? [])
          : [];
    for (const m of members) if (isInaccessible(m.directives)) found.push({ type, field: m.name.value });
  }
  return found;
}

/** The names of a type's fields, input fields or enum values in the API schema. */
function memberNames(type: GraphQLNamedType): string[] {
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return Object.keys(type.getFields());
  if (isEnumType(type)) return type.getValues().map((v) => v.name);
  return [];
}

let supergraphSdl: string;
let committed: string;
let api: GraphQLSchema;
beforeAll(() => {
  supergraphSdl = composeRegion().supergraphSdl;
  committed = readFileSync(API_SCHEMA_PATH, 'utf8');
  api = buildSchema(committed);
});

describe('client-facing schema (schema/api.graphql)', () => {
  it('matches the API schema of the composed supergraph (run `npm run compose` after changing the schema)', () => {
    expect(committed === apiSchemaSdl(supergraphSdl), 'schema/api.graphql is stale: run npm run compose').toBe(true);
  });

  it('parses and builds as a GraphQL schema, generated-by header included', () => {
    expect(committed.startsWith('# ')).toBe(true);
    expect(/\S\n$/.test(committed)).toBe(true);
    expect(api.getQueryType()?.name).toBe('Query');
  });

  it('leaves out every type and field the supergraph marks @inaccessible', () => {
    const hidden = inaccessibleElements(supergraphSdl);
    // Guards against a vacuous pass, e.g. if the directive were imported under another name.
    expect(hidden.length, 'expected @inaccessible elements in the supergraph, received none').toBeGreaterThan(0);
    const leaked = hidden.filter(({ type, field }) => {
      const t = api.getType(type);
      if (field === undefined) return t !== undefined;
      return t !== undefined && memberNames(t).includes(field);
    });
    expect(leaked.map(({ type, field }) => (field === undefined ? type : `${type}.${field}`))).toEqual([]);
  });

  it('has no federation machinery (join__, link__, _Entity, _Service and the like)', () => {
    const names = Object.keys(api.getTypeMap()).filter((n) => !n.startsWith('__'));
    expect(names.filter((n) => n.includes('join__') || n.includes('link__') || n.startsWith('_'))).toEqual([]);
    expect(
      api
        .getDirectives()
        .filter((d) => !isSpecifiedDirective(d))
        .map((d) => d.name),
    ).toEqual([]);
  });
});
