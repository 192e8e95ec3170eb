/**
 * A municipality subgraph (one implementation, seven instances): resolves
 * the municipality's `{Name}Records` references into the canonical lists of
 * the person's records in the instances that serve the municipality, one
 * field per record kind, as canonical JSON (`RecordList`) for the lists
 * subgraph: the adapters read whole persons, the gateway passes on only the
 * kinds a lists field requires.
 */
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse } from 'graphql';
import type { PersonSlot, ReadOptions, SourceAdapter } from '../../domain/sourceAdapter.ts';
import { operationScope } from '../server/readCache.ts';
import type { OperationReadCache } from '../server/readCache.ts';
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';
import { municipalitySubgraphSdl } from '../../schema/sdl.ts';
import { schemaMunicipality } from '../../schema/municipalities.ts';
import type { Logger } from '../server/logger.ts';
import { decodeRecordsRef } from './recordsRef.ts';
import { forbiddenError } from '../access/errors.ts';
import { decidePersonalRead } from '../access/policy.ts';
import { RecordListScalar } from '../server/scalars.ts';
import { missingSourceResolvers } from '../server/valueResolvers.ts';
import { buildTypedSubgraphSchema } from '../server/subgraphSchema.ts';
import type { TypedResolverMap } from '../server/subgraphSchema.ts';
import type { PorvooRecordsResolvers, Resolvers } from '../generated/municipalityResolvers.ts';
import type { RecordsObject } from './parents.ts';
import type { InternalKey } from '../../contract/internalToken.ts';
import { createSubgraphServer } from '../server/server.ts';
import type { SubgraphContext } from '../server/server.ts';
import { loadMunicipalityRecords, PersonLoaders } from './records.ts';
import type { MunicipalityRecords } from './records.ts';

export interface MunicipalitySubgraphOptions {
  readonly municipality: MunicipalityCode;
  /** Adapters of the instances serving this municipality (others are never called). */
  readonly sources: ReadonlyMap<InstanceId, SourceAdapter>;
  readonly logger: Logger;
  /** Passed to every readPersons call (fee years, appointment window); default: the adapters' defaults. */
  readonly readOptions?: ReadOptions;
  /** The key of the gateway's internal tokens (contract/internalToken.ts). */
  readonly internalKey: InternalKey;
  /**
   * Reads of one gateway operation, shared by the municipality subgraphs of
   * this process (subgraphs/server/readCache.ts); absent: each request reads anew.
   * Every subgraph sharing it must pass the same `readOptions`.
   */
  readonly readCache?: OperationReadCache<PersonSlot>;
}

type Context = SubgraphContext<PersonLoaders>;

/**
 * The resolvers of one municipality's records type. The seven SDLs differ
 * only in that type's name, so the types generated from Porvoo's
 * (`PorvooRecords`) fit every instance.
 */
type RecordsResolvers = PorvooRecordsResolvers<Context>;

/**
 * The subgraph's resolver map: the generated `Resolvers` with the records
 * type under this municipality's name (`m.typeName`, e.g. `SipooRecords`).
 */
function municipalityResolvers(typeName: string, records: RecordsResolvers): TypedResolverMap {
  const common: Omit<Resolvers<Context>, 'PorvooRecords'> = { RecordList: RecordListScalar, ...missingSourceResolvers };
  return { ...common, [typeName]: records };
}

/** Creates the subgraph's Fastify app (mercurius at /graphql, /healthz); not yet listening. */
export function createMunicipalitySubgraph(options: MunicipalitySubgraphOptions): FastifyInstance {
  const { municipality, sources, logger } = options;
  const m = schemaMunicipality(municipality);

  const resolveRecords = (id: string, ctx: Context): Promise<MunicipalityRecords> => {
    const ref = decodeRecordsRef(id);
    if (!ref || ref.municipality !== municipality) {
      return Promise.reject(
        new GraphQLError(`expected a reference to records of ${m.nameFi}, received another id`, { extensions: { code: 'BAD_USER_INPUT' } }),
      );
    }
    return loadMunicipalityRecords(ref, municipality, ctx.loaders).then(({ records, issues, foreign }) => {
      for (const missing of records.missingSources) ctx.missing.add(missing);
      if (Object.keys(issues).length > 0)
        logger.warn({ service: m.subgraph, requestId: ctx.requestId, issues }, 'records left out or served incomplete');
      if (foreign.length > 0)
        logger.warn({ service: m.subgraph, requestId: ctx.requestId, foreign }, 'reference named instances outside the municipality');
      return records;
    });
  };

  const field =
    <K extends keyof MunicipalityRecords>(key: K) =>
    async (parent: RecordsObject) =>
      (await parent.records)[key];

  const recordsResolvers: RecordsResolvers = {
    __resolveReference(reference, ctx): RecordsObject {
      // Defense in depth (issue 4): no source is read for a caller the policy refuses personal data (anonymous, analyst).
      const decision = decidePersonalRead(ctx.identity);
      if (!decision.allowed) throw forbiddenError(decision.reason);
      const records = resolveRecords(reference.id, ctx);
      // Started now so every reference of one _entities call lands in the same DataLoader batch.
      records.catch(() => undefined);
      return { id: reference.id, records };
    },
    appointments: field('appointments'),
    customerships: field('customerships'),
    decisions: field('decisions'),
    plans: field('plans'),
    fees: field('fees'),
    consents: field('consents'),
    missingSources: field('missingSources'),
  };
  const schema = buildTypedSubgraphSchema(parse(municipalitySubgraphSdl(m)), municipalityResolvers(m.typeName, recordsResolvers));
  return createSubgraphServer({
    name: m.subgraph,
    schema,
    logger,
    createLoaders: ({ identity, requestId }) =>
      new PersonLoaders(
        sources,
        options.readOptions,
        options.readCache ? { cache: options.readCache, scope: operationScope(requestId, identity) } : undefined,
      ),
    internalKey: options.internalKey,
  });
}
