/**
 * Packages of the main install, loaded from the repository root's
 * node_modules. Why: bench/ has a node_modules of its own (the comparison
 * gateways, with their own graphql), and a plain import from a file under
 * bench/ would find that one first: two graphql instances whose schemas fail
 * each other's instanceof checks ("another module or realm"). Requiring from
 * the root pins the main install's one, the one @apollo/subgraph and our gateway use.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const requireFromRoot = createRequire(fileURLToPath(new URL('../../package.json', import.meta.url)));

export const graphql = requireFromRoot('graphql') as typeof import('graphql');
export const apolloSubgraph = requireFromRoot('@apollo/subgraph') as typeof import('@apollo/subgraph');
export const apolloComposition = requireFromRoot('@apollo/composition') as typeof import('@apollo/composition');
