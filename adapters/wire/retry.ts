/**
 * One retry for a read whose reused keep-alive connection turned out to be
 * closed by the source (ECONNRESET, "other side closed"). Why: a server may
 * close an idle connection at the moment the client reuses it (or while the
 * event loop was busy), and every read here is idempotent, so a second
 * attempt on a fresh connection is safe; refusals and timeouts are not
 * retried (they say the source is unavailable).
 */

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** True when the error (or one of its causes) is a connection the peer closed under us. */
export function isConnectionReset(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) return true;
  }
  return false;
}

/** Runs `attempt`; if it rejects with a connection reset and `signal` is not aborted, runs it once more. */
export async function retryOnReset<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!isConnectionReset(err) || signal?.aborted) throw err;
    return attempt();
  }
}
