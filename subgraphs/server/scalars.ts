/**
 * The custom scalars of the region schema (schema/model.ts): `Date`
 * (`YYYY-MM-DD`) and `DateTime` (ISO 8601 instant with offset), both
 * strings on the wire, validated when they come in as arguments.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isValidIsoDate, parseInstant } from '../../domain/time.ts';

function scalar(name: string, expected: string, valid: (s: string) => boolean): GraphQLScalarType {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string' || !valid(value)) {
      throw new GraphQLError(`expected ${name} as ${expected}, received a value of another form`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    serialize(value) {
      if (typeof value !== 'string') throw new GraphQLError(`expected ${name} as a string, received a ${typeof value}`);
      return value;
    },
    parseValue: parse,
    parseLiteral(ast) {
      if (ast.kind !== Kind.STRING) {
        throw new GraphQLError(`expected ${name} as a string literal, received a ${ast.kind} literal`, {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      return parse(ast.value);
    },
  });
}

export const DateScalar = scalar('Date', 'YYYY-MM-DD', isValidIsoDate);
export const DateTimeScalar = scalar('DateTime', 'an ISO 8601 date and time with offset', (s) => !Number.isNaN(parseInstant(s)));

/** `JSON`: any JSON value, serialised as itself (output only here: FHIR bundles). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral() {
    throw new GraphQLError('expected JSON as a variable, received a literal', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

/** Resolvers for the scalars, to merge into a subgraph's resolver map. */
export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar, JSON: JSONScalar };

/**
 * `RecordList`: one kind of canonical records as a JSON array, from a
 * municipality subgraph to the lists subgraph through the gateway (never to
 * clients: it is @inaccessible). Only arrays pass; it is never an argument.
 */
export const RecordListScalar = new GraphQLScalarType({
  name: 'RecordList',
  serialize(value) {
    if (!Array.isArray(value)) throw new GraphQLError(`expected RecordList as an array, received a ${typeof value}`);
    return value;
  },
  parseValue() {
    throw new GraphQLError('expected no RecordList argument, received one', { extensions: { code: 'BAD_USER_INPUT' } });
  },
  parseLiteral() {
    throw new GraphQLError('expected no RecordList argument, received one', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
