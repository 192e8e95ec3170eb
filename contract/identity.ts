/**
 * Who is asking: the verified identity a subgraph receives from the gateway
 * (issue 4). One type, imported by every module that decides access, plus
 * the one validator both ends use (the gateway on a user's JWT claims, the
 * subgraphs on the identity inside the gateway's internal token).
 */
import type { CareArea, ProfessionalKind, ServiceTask } from '../domain/model.ts';
import { checkHetu } from '../domain/hetu.ts';
import { MUNICIPALITIES } from '../domain/region.ts';
import type { MunicipalityCode } from '../domain/region.ts';

export type Identity =
  | { kind: 'citizen'; sub: string; hetu: string }
  | {
      kind: 'professional';
      sub: string;
      name: string;
      profession: ProfessionalKind;
      units: readonly string[]; // unit OIDs where they work
      careAreas: readonly CareArea[]; // PRIMARY_HEALTH / ORAL_HEALTH / SOCIAL
      serviceTasks: readonly ServiceTask[]; // social workers: their service tasks
      municipality: MunicipalityCode;
    }
  | { kind: 'analyst'; sub: string };

export type IdentityKind = Identity['kind'];

export const IDENTITY_KINDS: readonly IdentityKind[] = ['citizen', 'professional', 'analyst'];
export const CARE_AREAS: readonly CareArea[] = ['PRIMARY_HEALTH', 'ORAL_HEALTH', 'SOCIAL'];
export const SERVICE_TASKS: readonly ServiceTask[] = [
  'OLDER_PEOPLE',
  'DISABILITY',
  'FAMILIES',
  'CHILD_WELFARE',
  'ADULT_SOCIAL_WORK',
  'SUBSTANCE_ABUSE',
  'FAMILY_LAW',
];
export const PROFESSIONAL_KINDS: readonly ProfessionalKind[] = [
  'PHYSICIAN',
  'NURSE',
  'PUBLIC_HEALTH_NURSE',
  'PHYSIOTHERAPIST',
  'PSYCHOLOGIST',
  'DENTIST',
  'DENTAL_HYGIENIST',
  'SOCIAL_WORKER',
];
const MUNICIPALITY_CODES: readonly string[] = MUNICIPALITIES.map((m) => m.code);

/** An OID as region.md writes unit ids (`1.2.246.10.{digits}.10.{n}`), or any other dotted OID. */
const OID = /^[0-2](\.(0|[1-9]\d{0,19})){1,30}$/;
/** A subject: printable, no control characters, short. */
const SUBJECT = /^[\x21-\x7e]{1,256}$/;
const MAX_UNITS = 200;

export type IdentityCheck = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly reason: string };

/**
 * Validates an identity given as a plain object in the `Identity` shape
 * (camelCase) and returns a fresh object holding exactly the type's fields.
 * Reasons name the field and what was expected, never its value (a value
 * may be an identity code or a name).
 */
export function checkIdentity(value: unknown): IdentityCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('expected the identity as an object, received another value');
  const v = value as Record<string, unknown>;
  if (typeof v.sub !== 'string' || !SUBJECT.test(v.sub)) return fail('expected sub as 1–256 printable characters, received another value');
  const sub = v.sub;
  switch (v.kind) {
    case 'citizen': {
      if (typeof v.hetu !== 'string' || !checkHetu(v.hetu).ok)
        return fail('expected hetu as a valid personal identity code in canonical form, received another value');
      return { ok: true, identity: { kind: 'citizen', sub, hetu: v.hetu } };
    }
    case 'analyst':
      return { ok: true, identity: { kind: 'analyst', sub } };
    case 'professional': {
      if (typeof v.name !== 'string' || v.name.trim() === '' || v.name.length > 200 || hasControl(v.name)) {
        return fail('expected name as 1–200 characters of text, received another value');
      }
      if (!oneOf(v.profession, PROFESSIONAL_KINDS))
        return fail(`expected profession as one of ${PROFESSIONAL_KINDS.join(', ')}, received another value`);
      const units = listOf(v.units, (u): u is string => typeof u === 'string' && u.length <= 128 && OID.test(u), MAX_UNITS);
      if (!units) return fail(`expected units as a list of at most ${MAX_UNITS} distinct unit OIDs, received another value`);
      const careAreas = listOf(v.careAreas, (c): c is CareArea => oneOf(c, CARE_AREAS), CARE_AREAS.length);
      if (!careAreas || careAreas.length === 0)
        return fail(`expected care areas as a non-empty list of ${CARE_AREAS.join(', ')}, received another value`);
      const serviceTasks = listOf(v.serviceTasks, (t): t is ServiceTask => oneOf(t, SERVICE_TASKS), SERVICE_TASKS.length);
      if (!serviceTasks) return fail(`expected service tasks as a list of ${SERVICE_TASKS.join(', ')}, received another value`);
      if (!oneOf(v.municipality, MUNICIPALITY_CODES))
        return fail('expected municipality as a municipality code of the region, received another value');
      return {
        ok: true,
        identity: {
          kind: 'professional',
          sub,
          name: v.name,
          profession: v.profession,
          units,
          careAreas,
          serviceTasks,
          municipality: v.municipality as MunicipalityCode,
        },
      };
    }
    default:
      return fail(`expected kind as one of ${IDENTITY_KINDS.join(', ')}, received another value`);
  }
}

function fail(reason: string): IdentityCheck {
  return { ok: false, reason };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** A list whose every item passes, without duplicates, at most `max` long; undefined otherwise. */
function listOf<T>(value: unknown, item: (v: unknown) => v is T, max: number): T[] | undefined {
  if (!Array.isArray(value) || value.length > max || !value.every(item)) return undefined;
  if (new Set(value).size !== value.length) return undefined;
  return [...value];
}

function hasControl(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(text);
}
