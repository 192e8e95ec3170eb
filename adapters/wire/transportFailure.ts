/**
 * A request that got no whole answer from its source, told apart by kind so
 * an adapter can word the error: `tooLarge` (an answer over the instance's
 * limits, abandoned while arriving) is MALFORMED_RESPONSE, the others
 * SOURCE_UNAVAILABLE.
 */
export class TransportFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'cancelled' | 'connection' | 'tooLarge',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
