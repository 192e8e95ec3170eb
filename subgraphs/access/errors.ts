/**
 * The GraphQL errors of access control: `extensions.code` FORBIDDEN and the
 * reason class, except a caller without a sign-in (reason NOT_AUTHENTICATED),
 * whose code is UNAUTHENTICATED as GraphQL clients expect (a client signs in
 * on UNAUTHENTICATED, and shows "not allowed" on FORBIDDEN). Messages are
 * fixed per reason, so they can never carry an identity code, a name or an
 * address.
 */
import { GraphQLError } from 'graphql';
import type { DataGroup, DenyReason } from './policy.ts';

const MESSAGES: Readonly<Record<DenyReason | 'AUDIT_UNAVAILABLE', string>> = {
  NOT_AUTHENTICATED: 'Personal data requires a valid sign-in.',
  NOT_OWN_DATA: 'This data belongs to another person.',
  GUARDIAN_PROHIBITED: 'The minor has prohibited disclosure of this data to guardians.',
  NO_CARE_RELATION: 'No care relation in your units and care areas gives access to this data.',
  NO_CONSENT: 'The client has not consented to disclosing this data to your register.',
  CHILD_WELFARE_RESTRICTED: 'Child welfare data reaches only social workers of that service task.',
  TURVAKIELTO: 'This data is protected by a non-disclosure for personal safety.',
  AGGREGATES_ONLY: 'Your role may use aggregate figures only.',
  EMERGENCY_EXPIRED: 'Your emergency access to this client has expired.',
  ROLE_NOT_PERMITTED: 'Your role may not use this function.',
  AUDIT_UNAVAILABLE: 'The read could not be recorded in the audit log, so the data is not returned.',
};

/** `extensions.code` of a denial: UNAUTHENTICATED for no sign-in, else FORBIDDEN. */
export function accessErrorCode(reason: DenyReason | 'AUDIT_UNAVAILABLE'): 'UNAUTHENTICATED' | 'FORBIDDEN' {
  return reason === 'NOT_AUTHENTICATED' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

/** A FORBIDDEN (no sign-in: UNAUTHENTICATED) error for one denied group or record; `count` when it stands for several denied records. */
export function forbiddenError(
  reason: DenyReason | 'AUDIT_UNAVAILABLE',
  details: { readonly dataGroup?: DataGroup; readonly count?: number; readonly path?: readonly (string | number)[] } = {},
): GraphQLError {
  return new GraphQLError(MESSAGES[reason], {
    ...(details.path ? { path: details.path } : {}),
    extensions: {
      code: accessErrorCode(reason),
      reason,
      ...(details.dataGroup ? { dataGroup: details.dataGroup } : {}),
      ...(details.count !== undefined ? { count: details.count } : {}),
    },
  });
}
