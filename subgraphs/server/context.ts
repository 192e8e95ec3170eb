/**
 * The per-request context of every subgraph: the gateway's request id and
 * the caller's verified identity (both from the gateway's internal token),
 * the request's DataLoaders, and the sources that could not be read while
 * answering.
 */
import { GraphQLError } from 'graphql';
import type { Identity } from '../../contract/identity.ts';

/** A source that could not be read: an instance (or `vtj`, `person-index`) and why. */
export interface MissingSource {
  readonly instance: string;
  /** An adapter error code (`SOURCE_UNAVAILABLE`, `MALFORMED_RESPONSE`, …) or `NOT_CONFIGURED`. */
  readonly code: string;
}

/** Collects the sources a request could not read, once each. */
export class MissingSources {
  private readonly byInstance = new Map<string, MissingSource>();

  add(missing: MissingSource): void {
    if (!this.byInstance.has(missing.instance)) this.byInstance.set(missing.instance, missing);
  }

  list(): MissingSource[] {
    return [...this.byInstance.values()];
  }

  /**
   * One GraphQL error per missing source, `extensions.code`
   * `SOURCE_UNAVAILABLE` with the instance (and the underlying code as
   * `reason`). Messages name the instance only: no personal data.
   */
  errors(): GraphQLError[] {
    return this.list().map(
      (m) =>
        new GraphQLError(`Source ${m.instance} could not be read (${m.code}); the answer lacks its data.`, {
          extensions: { code: 'SOURCE_UNAVAILABLE', instance: m.instance, reason: m.code },
        }),
    );
  }
}

export interface RequestContext<Loaders> {
  /** The gateway's request id, from the signed internal token. */
  readonly requestId: string;
  /** Who is asking, as the gateway verified it; null: anonymous (public data only). */
  readonly identity: Identity | null;
  readonly loaders: Loaders;
  readonly missing: MissingSources;
  /**
   * Errors that go with the data rather than replace it (e.g. one FORBIDDEN
   * per denied reason class on a list whose allowed records are served);
   * appended to the answer when it is complete.
   */
  readonly accessErrors: GraphQLError[];
}
