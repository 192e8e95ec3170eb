/**
 * The custom scalars of the region schema (schema/model.ts): `Date`
 * (`YYYY-MM-DD`), `DateTime` (ISO 8601 instant with offset), `YearMonth`
 * (`YYYY-MM`) and `MunicipalityCode` (one of the region's municipality
 * codes), all strings on the wire, validated when they come in as
 * arguments (BAD_USER_INPUT, a message that never echoes the value); and
 * `JSON`, any JSON value as itself.
 */
import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';
import { MUNICIPALITIES } from '../../domain/region.ts';
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

const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const YearMonthScalar = scalar('YearMonth', 'YYYY-MM', (s) => YEAR_MONTH.test(s));

const REGION_CODES: readonly string[] = MUNICIPALITIES.map((m) => m.code).sort();
export const MunicipalityCodeScalar = scalar(
  'MunicipalityCode',
  `one of the region's municipality codes (${REGION_CODES.join(', ')})`,
  (s) => REGION_CODES.includes(s),
);

/** `JSON`: any JSON value, serialised as itself; as an argument, any literal or variable value. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

/** Resolvers for the scalars, to merge into a subgraph's resolver map. */
export const scalarResolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  YearMonth: YearMonthScalar,
  MunicipalityCode: MunicipalityCodeScalar,
  JSON: JsonScalar,
};

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
