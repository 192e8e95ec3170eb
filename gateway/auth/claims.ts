/**
 * A user's JWT claims ↔ the region's Identity (contract/identity.ts).
 *
 * Claims: `sub`, `role` ('citizen' | 'professional' | 'analyst'); citizens
 * `hetu`; professionals `name`, `profession`, `units`, `care_areas`,
 * `service_tasks`, `municipality`. A token whose claims do not have these
 * shapes is refused (INVALID_CLAIMS), never half-trusted.
 */
import { checkIdentity } from '../../contract/identity.ts';
import type { Identity } from '../../contract/identity.ts';

export type IdentityFromClaims = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly reason: string };

/** Maps verified JWT claims to an Identity; the reason names the claim, never its value. */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>): IdentityFromClaims {
  const { role } = claims;
  const common = { sub: claims.sub };
  let candidate: Record<string, unknown>;
  switch (role) {
    case 'citizen':
      candidate = { kind: 'citizen', ...common, hetu: claims.hetu };
      break;
    case 'analyst':
      candidate = { kind: 'analyst', ...common };
      break;
    case 'professional':
      candidate = {
        kind: 'professional',
        ...common,
        name: claims.name,
        profession: claims.profession,
        units: claims.units,
        careAreas: claims.care_areas,
        // A professional without social service tasks may leave the claim out.
        serviceTasks: claims.service_tasks ?? [],
        municipality: claims.municipality,
      };
      break;
    default:
      return { ok: false, reason: 'expected role as citizen, professional or analyst, received another value' };
  }
  const checked = checkIdentity(candidate);
  return checked.ok ? checked : { ok: false, reason: claimNames(checked.reason) };
}

/** The claims a token for `identity` carries (the development identity provider mints these). */
export function claimsFor(identity: Identity): Record<string, unknown> {
  switch (identity.kind) {
    case 'citizen':
      return { role: 'citizen', hetu: identity.hetu };
    case 'analyst':
      return { role: 'analyst' };
    case 'professional':
      return {
        role: 'professional',
        name: identity.name,
        profession: identity.profession,
        units: [...identity.units],
        care_areas: [...identity.careAreas],
        service_tasks: [...identity.serviceTasks],
        municipality: identity.municipality,
      };
  }
}

/** The validator speaks of Identity fields; a token's reader knows claim names. */
function claimNames(reason: string): string {
  return reason.replace('care areas', 'care_areas').replace('service tasks', 'service_tasks');
}
