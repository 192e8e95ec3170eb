/**
 * A request that got no whole answer from its source, told apart by kind so
 * an adapter can word the error (all three are SOURCE_UNAVAILABLE).
 */
export class TransportFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'cancelled' | 'connection',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
