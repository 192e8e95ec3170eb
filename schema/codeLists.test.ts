import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ACCESS_BASIS_LABELS, CODE_LISTS, DATA_GROUP_LABELS } from '../domain/codeLabels.ts';
import { ACCESS_BASES, DATA_GROUPS } from '../subgraphs/access/policy.ts';
import { API_SCHEMA_PATH } from './compose.ts';
import { regionSubgraphSdl } from './sdl.ts';

const api = buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8'));

describe('the code list and the API schema', () => {
  it('labels every value of every enum of the API it has a list for, in the enum’s order, and no other code', () => {
    const checked: string[] = [];
    for (const [name, codes] of Object.entries(CODE_LISTS)) {
      const type = api.getType(name);
      if (!type) continue; // a code system the API does not (yet) have as an enum
      expect(isEnumType(type), name).toBe(true);
      if (!isEnumType(type)) continue;
      expect(Object.keys(codes), name).toEqual(type.getValues().map((v) => v.name));
      for (const v of type.getValues()) {
        const label = (codes as Readonly<Record<string, { fi: string; sv: string }>>)[v.name];
        expect(label?.fi, `${name}.${v.name}`).toBeTruthy();
        expect(label?.sv, `${name}.${v.name}`).toBeTruthy();
      }
      checked.push(name);
    }
    // The enums a person reads that the API has today; the read log's enums join as they land.
    expect(checked).toEqual(
      expect.arrayContaining([
        'CareArea',
        'ServiceTask',
        'AppointmentStatus',
        'ContactMode',
        'ProfessionalKind',
        'ConsentType',
        'FeeKind',
        'FeeStatus',
        'PlanType',
        'DecisionOutcome',
        'Register',
      ]),
    );
  });

  it('labels the access policy’s data groups and bases, as the read log records them', () => {
    expect(Object.keys(DATA_GROUP_LABELS)).toEqual([...DATA_GROUPS]);
    expect(Object.keys(ACCESS_BASIS_LABELS)).toEqual([...ACCESS_BASES]);
  });

  it('serves the lists as Query.codeLists of the region subgraph, every type and field described', () => {
    const sdl = regionSubgraphSdl();
    expect(sdl).toContain(`"One code system's labels."
type CodeList {
  "The GraphQL enum whose values the codes are, e.g. CareArea."
  name: String!
  "Every code of the enum, in the enum's order."
  codes: [CodeLabel!]!
}`);
    expect(sdl).toMatch(/\n {2}"The region's code lists: [^"]+ Public: no sign-in needed\."\n {2}codeLists: \[CodeList!\]!\n/);
    const codeLabel = api.getType('CodeLabel');
    expect(codeLabel?.description).toBe('A code with its labels.');
  });
});
