/**
 * The region subgraph's enums (schema/model.ts REGION_ENUMS) against the
 * values the audit log, the access policy and the person index keep: where
 * they are spelled alike the compiler checks the two sets are equal; where
 * they differ (the audit log's lower-case roles, the index's lower-case
 * states) a complete map translates them.
 */
import type { AccessBasis, AccessDecision, DataGroup, DenyReason } from '../access/policy.ts';
import type { ActorRole, AuditAction, AuditOutcome, LookupResult } from '../audit/events.ts';
import type {
  AccessBasis as AccessBasisEnum,
  AccessOutcome,
  DataGroup as DataGroupEnum,
  DataReadAction,
  DenialReason,
  LookupResult as LookupResultEnum,
  ReaderRole,
  SourceIndexState,
} from '../generated/regionResolvers.ts';
import type { SourceStateName } from './personIndex/store.ts';

/** True exactly when A and B are the same union. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compile-time checks: each enum of the schema has exactly the values its
 * module writes (a value added on one side only fails the type check here).
 */
export const ENUMS_MATCH: [
  Same<AuditAction, DataReadAction>,
  Same<AuditOutcome, AccessOutcome>,
  Same<AccessBasis, AccessBasisEnum>,
  Same<DenyReason, DenialReason>,
  Same<Extract<AccessDecision, { allowed: false }>['reason'], DenialReason>,
  Same<LookupResult, LookupResultEnum>,
  Same<DataGroup, DataGroupEnum>,
] = [true, true, true, true, true, true, true];

/** The audit log's roles (stored lower-case) as the ReaderRole enum. */
export const READER_ROLES: Readonly<Record<ActorRole, ReaderRole>> = {
  citizen: 'CITIZEN',
  professional: 'PROFESSIONAL',
  analyst: 'ANALYST',
  anonymous: 'ANONYMOUS',
};

/** The person index's states (stored lower-case) as the SourceIndexState enum. */
const INDEX_STATES: Readonly<Record<SourceStateName, SourceIndexState>> = {
  building: 'BUILDING',
  ready: 'READY',
  failing: 'FAILING',
};

/** A source's index state as the enum; a state this version does not know reads as FAILING (never a serialisation error). */
export function sourceIndexState(state: string): SourceIndexState {
  return Object.hasOwn(INDEX_STATES, state) ? INDEX_STATES[state as SourceStateName] : 'FAILING';
}
