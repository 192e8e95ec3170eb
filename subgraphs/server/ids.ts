/**
 * Stable, opaque ids for client caches (`id: ID!`): the same item has the
 * same id in every answer and every replica, and the id says nothing by
 * itself: a hash, not the instance's local id or a person's identity code.
 */
import { createHash } from 'node:crypto';

/** The bytes of SHA-256 kept: 128 bits, far from any collision among the region's records. */
const ID_BYTES = 16;

/** The id of an item of `type` (the GraphQL type, since kinds share local ids) from one instance. */
export function recordId(type: string, source: { readonly instance: string; readonly localId: string }): string {
  return opaqueId(`${type}:${source.instance}:${source.localId}`);
}

/** The id of anything named by a stable text (e.g. `Customer:{hetu}`), hashed so the id does not show the text. */
export function opaqueId(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest().subarray(0, ID_BYTES).toString('base64url');
}

/** The id of an entry of the read log (DataRead), from its row's position in the log: time in microseconds and row id. */
export function dataReadId(position: { readonly atMicros: bigint; readonly id: bigint }): string {
  return opaqueId(`DataRead:${position.atMicros}:${position.id}`);
}
