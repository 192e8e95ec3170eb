/**
 * The committed supergraph, for the gateways: read it and put in the URLs
 * where the subgraph services actually listen.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUBGRAPH_NAMES } from './municipalities.ts';

const SUPERGRAPH_FILE = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

/** The committed `schema/supergraph.graphql`. */
export function readSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}

/**
 * The supergraph with each subgraph's `join__graph` URL replaced by
 * `urls[name]`; throws when a subgraph has no URL (a gateway must never
 * route to the placeholder).
 */
export function supergraphWithUrls(supergraphSdl: string, urls: Readonly<Record<string, string>>): string {
  const missing = SUBGRAPH_NAMES.filter((n) => !urls[n]);
  if (missing.length > 0) throw new Error(`No URL for subgraph(s) ${missing.join(', ')}.`);
  return supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) => {
    const url = urls[name];
    return url ? `@join__graph(name: "${name}", url: ${JSON.stringify(url)})` : whole;
  });
}
