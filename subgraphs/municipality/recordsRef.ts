/**
 * The opaque id of a `{Municipality}Records` reference: base64url of JSON
 * `{ "h": hetu, "m": municipality, "i": [instances] }`, the instances the
 * person index names for that person in that municipality, so the
 * municipality subgraph calls only those. Kept in this one module so that
 * issue 4 can sign it here.
 */
import { isValidHetu } from '../../domain/hetu.ts';
import { INSTANCES, isInstanceId } from '../../domain/region.ts';
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';
import { municipality as municipalityByCode } from '../../domain/region.ts';

export interface RecordsRef {
  readonly hetu: string;
  readonly municipality: MunicipalityCode;
  /** Record instances (never `vtj`), sorted, without duplicates. */
  readonly instances: readonly InstanceId[];
}

/** Encodes a reference id. */
export function encodeRecordsRef(ref: RecordsRef): string {
  const instances = [...new Set(ref.instances)].sort();
  return Buffer.from(JSON.stringify({ h: ref.hetu, m: ref.municipality, i: instances }), 'utf8').toString('base64url');
}

const MAX_ID_LENGTH = 2_000;

/** Decodes a reference id; null for anything that is not one (never throws). */
export function decodeRecordsRef(id: string): RecordsRef | null {
  if (typeof id !== 'string' || id.length > MAX_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { h, m, i } = value as { h?: unknown; m?: unknown; i?: unknown };
  if (typeof h !== 'string' || !isValidHetu(h)) return null;
  if (typeof m !== 'string' || !municipalityByCode(m)) return null;
  if (!Array.isArray(i) || i.length > INSTANCES.length) return null;
  const instances: InstanceId[] = [];
  for (const x of i) {
    if (typeof x !== 'string' || !isInstanceId(x) || x === 'vtj') return null;
    if (!instances.includes(x)) instances.push(x);
  }
  return { hetu: h, municipality: m as MunicipalityCode, instances: instances.sort() };
}
