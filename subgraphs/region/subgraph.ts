/**
 * The region subgraph: owns Customer. Basic data from VTJ (the master of
 * names, address, municipality, language, guardians, dependants,
 * turvakielto, death), `sources` references from the person index,
 * municipalities, and the index's status per source.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse } from 'graphql';
import type { VtjAdapter } from '../../adapters/core/adapter.ts';
import { AdapterError } from '../../adapters/core/errors.ts';
import { checkHetu } from '../../adapters/core/hetu.ts';
import type { VtjPerson } from '../../adapters/core/model.ts';
import { MUNICIPALITIES } from '../../adapters/core/region.ts';
import { schemaMunicipality } from '../../schema/municipalities.ts';
import { regionSubgraphSdl } from '../../schema/sdl.ts';
import type { MissingSource } from '../shared/context.ts';
import type { Logger } from '../shared/logger.ts';
import type { IndexEntry, PersonLocator } from '../shared/personLocator.ts';
import { scalarResolvers } from '../shared/scalars.ts';
import type { InternalKey } from '../shared/internalToken.ts';
import { createSubgraphServer } from '../shared/server.ts';
import type { SubgraphContext } from '../shared/server.ts';
import { municipalityObject } from '../shared/valueResolvers.ts';
import { recordsReferences } from './sources.ts';

export interface RegionSubgraphOptions {
  readonly vtj: VtjAdapter;
  readonly locator: PersonLocator;
  readonly logger: Logger;
  /** The key of the gateway's internal tokens (subgraphs/shared/internalToken.ts). */
  readonly internalKey: InternalKey;
}

/** The instance name under which a failing person index is reported. */
export const PERSON_INDEX_SOURCE = 'person-index';

/** VTJ's answer for one code: the person, null (unknown to VTJ), or why it could not be read. */
type VtjResult = { readonly person: VtjPerson | null } | { readonly missing: MissingSource };
type LocateResult = { readonly entries: IndexEntry[] } | { readonly missing: MissingSource };

export interface RegionLoaders {
  readonly vtj: DataLoader<string, VtjResult>;
  readonly locate: DataLoader<string, LocateResult>;
}

type Context = SubgraphContext<RegionLoaders>;

/** A Customer as the resolvers pass it around: just the code; fields load through the request's loaders. */
interface CustomerObject {
  readonly hetu: string;
}

function createLoaders(vtj: VtjAdapter, locator: PersonLocator, logger: Logger): RegionLoaders {
  return {
    // Slots are turned into values (never rejected keys) so one failure is reported, not thrown per field.
    vtj: new DataLoader(async (hetus) => {
      try {
        const slots = await vtj.readPersons(hetus);
        return slots.map((s): VtjResult => (s instanceof AdapterError ? { missing: { instance: 'vtj', code: s.code } } : { person: s }));
      } catch (err) {
        logger.error({ source: 'vtj', errorName: err instanceof Error ? err.name : typeof err }, 'vtj adapter rejected');
        return hetus.map((): VtjResult => ({ missing: { instance: 'vtj', code: 'SOURCE_ERROR' } }));
      }
    }),
    locate: new DataLoader(async (hetus) => {
      try {
        return (await locator.locate(hetus)).map((entries): LocateResult => ({ entries }));
      } catch (err) {
        logger.error({ source: PERSON_INDEX_SOURCE, errorName: err instanceof Error ? err.name : typeof err }, 'person index lookup failed');
        return hetus.map((): LocateResult => ({ missing: { instance: PERSON_INDEX_SOURCE, code: 'SOURCE_UNAVAILABLE' } }));
      }
    }),
  };
}

async function vtjPerson(c: CustomerObject, ctx: Context): Promise<VtjPerson | null> {
  const r = await ctx.loaders.vtj.load(c.hetu);
  if ('missing' in r) {
    ctx.missing.add(r.missing);
    return null;
  }
  return r.person;
}

async function entries(c: CustomerObject, ctx: Context): Promise<IndexEntry[]> {
  const r = await ctx.loaders.locate.load(c.hetu);
  if ('missing' in r) {
    ctx.missing.add(r.missing);
    return [];
  }
  return r.entries;
}

const vtjField =
  <T>(pick: (p: VtjPerson) => T) =>
  async (c: CustomerObject, _args: unknown, ctx: Context): Promise<T | null> => {
    const p = await vtjPerson(c, ctx);
    return p ? pick(p) : null;
  };

/** Creates the region subgraph's Fastify app; not yet listening. */
export function createRegionSubgraph(options: RegionSubgraphOptions): FastifyInstance {
  const { vtj, locator, logger } = options;
  const resolvers = {
    ...scalarResolvers,
    Query: {
      async customer(_root: unknown, args: { hetu: string }, ctx: Context): Promise<CustomerObject | null> {
        const check = checkHetu(args.hetu);
        if (!check.ok) {
          // The message names what is wrong with the form, never the value.
          throw new GraphQLError(`expected a personal identity code (DDMMYY, century sign, three digits, check character), received a value that is not one: ${check.reason}`, {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        const [v, l] = await Promise.all([ctx.loaders.vtj.load(args.hetu), ctx.loaders.locate.load(args.hetu)]);
        if ('missing' in v) ctx.missing.add(v.missing);
        if ('missing' in l) ctx.missing.add(l.missing);
        // Unknown to VTJ and to every source (and nothing failed that could have known them): no customer, no error.
        const unknown = 'person' in v && v.person === null && 'entries' in l && l.entries.length === 0;
        return unknown ? null : { hetu: args.hetu };
      },
      municipalities: () => MUNICIPALITIES.map((m) => municipalityObject(m.code)),
      sourceStatus: async () => locator.status(),
    },
    Customer: {
      __resolveReference: (ref: { hetu: string }): CustomerObject => ({ hetu: ref.hetu }),
      birthDate: (c: CustomerObject) => {
        const check = checkHetu(c.hetu);
        return check.ok ? check.info.birthDate : null;
      },
      hetuInForce: vtjField((p) => p.hetuInForce),
      surname: vtjField((p) => p.surname),
      firstNames: vtjField((p) => p.firstNames),
      address: vtjField((p) => p.address ?? null),
      municipality: vtjField((p) => p.municipality ?? null),
      language: vtjField((p) => p.language ?? null),
      turvakielto: vtjField((p) => p.turvakielto),
      deathDate: vtjField((p) => p.deathDate ?? null),
      guardians: async (c: CustomerObject, _a: unknown, ctx: Context) => ((await vtjPerson(c, ctx))?.guardians ?? []).map((hetu) => ({ hetu })),
      dependants: async (c: CustomerObject, _a: unknown, ctx: Context) => ((await vtjPerson(c, ctx))?.dependants ?? []).map((hetu) => ({ hetu })),
      sources: async (c: CustomerObject, _a: unknown, ctx: Context) => recordsReferences(c.hetu, await entries(c, ctx)),
      regionMissingSources: async (c: CustomerObject, _a: unknown, ctx: Context): Promise<MissingSource[]> => {
        const [v, l] = await Promise.all([ctx.loaders.vtj.load(c.hetu), ctx.loaders.locate.load(c.hetu)]);
        return [v, l].flatMap((r) => ('missing' in r ? [r.missing] : []));
      },
    },
    CustomerRecords: {
      __resolveType: (ref: { __typename: string }) => ref.__typename,
    },
    ...Object.fromEntries(
      MUNICIPALITIES.map((m) => [
        // Each {Name}Records type: the reference's municipality as an object.
        schemaMunicipality(m.code).typeName,
        {
          municipality: (ref: { municipality: string }) => municipalityObject(ref.municipality),
          __resolveReference: (ref: { id: string }) => ({ id: ref.id, municipality: m.code }),
        },
      ]),
    ),
  };
  const schema = buildSubgraphSchema({ typeDefs: parse(regionSubgraphSdl()), resolvers: resolvers as never });
  return createSubgraphServer({
    name: 'region',
    schema,
    logger,
    createLoaders: () => createLoaders(vtj, locator, logger),
    internalKey: options.internalKey,
  });
}
