/**
 * Composes the engine scenario's supergraph (@apollo/composition, the main
 * install's) from schema.ts's three subgraphs at the URLs where they listen.
 */
import { apolloComposition, graphql } from '../lib/mainModules.ts';
import { ENGINE_SUBGRAPHS, ENGINE_TYPE_DEFS } from './schema.ts';
import type { EngineSubgraph } from './schema.ts';

const { composeServices } = apolloComposition;
const { parse } = graphql;

/** The supergraph SDL naming `urls`; throws with the composition errors if it does not compose. */
export function composeEngineSupergraph(urls: Readonly<Record<EngineSubgraph, string>>): string {
  const result = composeServices(ENGINE_SUBGRAPHS.map((name) => ({ name, typeDefs: parse(ENGINE_TYPE_DEFS[name]), url: urls[name] })));
  if (result.errors || !result.supergraphSdl) {
    throw new Error(`expected the engine subgraphs to compose, received: ${(result.errors ?? []).map((e) => e.message).join('; ')}`);
  }
  return result.supergraphSdl;
}
