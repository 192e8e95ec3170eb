/**
 * Export of audit events as FHIR R4 `AuditEvent` resources (issue 4).
 *
 * - A read: type DICOM 110110 "Patient Record", subtype restful-interaction
 *   `read`, action R.
 * - Emergency access started: type DICOM 110113 "Security Alert", subtype
 *   DICOM 110127 "Emergency Override Started", action E.
 * - A lookup by identity code: type DICOM 110112 "Query", subtype
 *   restful-interaction `search-type`, action E; what it answered (FOUND,
 *   NOT_FOUND) as the entity detail `lookupResult`.
 * - outcome `0` (success) when allowed, `4` (minor failure: the request was
 *   refused, an HTTP 403) when denied, with the reason class in outcomeDesc.
 * - agent: the reader (their `sub` as identifier, role, professional's
 *   name), requestor true; the access basis as `policy`; under emergency
 *   access `purposeOfUse` ETREAT + BTG (v3-ActReason) with the stated reason.
 * - entity: the person, identifier system `urn:oid:1.2.246.21` (the Finnish
 *   personal identity code), type Person, role Patient; data groups and the
 *   request id as details.
 */
import { formatInstant } from '../../domain/time.ts';
import type { AuditEvent } from './events.ts';

export const HETU_SYSTEM = 'urn:oid:1.2.246.21';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const RESTFUL = 'http://hl7.org/fhir/restful-interaction';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** The region graph's own code systems and identifier namespaces. */
export const ROLE_SYSTEM = 'urn:region-graph:actor-role';
export const SUB_SYSTEM = 'urn:region-graph:sub';
export const BASIS_POLICY_PREFIX = 'urn:region-graph:access-basis:';

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}
export interface CodeableConcept {
  readonly coding?: readonly Coding[];
  readonly text?: string;
}
export interface Reference {
  readonly identifier?: { readonly system: string; readonly value: string };
  readonly display?: string;
}

/** The FHIR R4 AuditEvent resource, the elements this export uses. */
export interface FhirAuditEvent {
  readonly resourceType: 'AuditEvent';
  readonly id: string;
  readonly type: Coding;
  readonly subtype?: readonly Coding[];
  readonly action?: 'C' | 'R' | 'U' | 'D' | 'E';
  readonly recorded: string;
  readonly outcome?: '0' | '4' | '8' | '12';
  readonly outcomeDesc?: string;
  readonly purposeOfEvent?: readonly CodeableConcept[];
  readonly agent: readonly {
    readonly type?: CodeableConcept;
    readonly role?: readonly CodeableConcept[];
    readonly who?: Reference;
    readonly name?: string;
    readonly requestor: boolean;
    readonly policy?: readonly string[];
    readonly purposeOfUse?: readonly CodeableConcept[];
  }[];
  readonly source: { readonly site?: string; readonly observer: Reference; readonly type?: readonly Coding[] };
  readonly entity?: readonly {
    readonly what?: Reference;
    readonly type?: Coding;
    readonly role?: Coding;
    readonly detail?: readonly { readonly type: string; readonly valueString: string }[];
  }[];
}

/**
 * An audit instant as the read log shows it: ISO 8601 with milliseconds and
 * the Helsinki offset, `2025-10-26T03:30:00.123+03:00` (the schema's other
 * instants carry seconds; entries of one second must stay apart).
 */
export function formatAuditInstant(epochMs: number): string {
  const s = formatInstant(epochMs);
  const ms = ((epochMs % 1_000) + 1_000) % 1_000;
  return `${s.slice(0, 19)}.${String(ms).padStart(3, '0')}${s.slice(19)}`;
}

const ROLE_DISPLAY: Readonly<Record<AuditEvent['actorRole'], string>> = {
  citizen: 'Citizen',
  professional: 'Health or social care professional',
  analyst: 'Analyst',
  anonymous: 'Unauthenticated caller',
};

/** The FHIR type, subtype and action of each audit action. */
const KINDS: Readonly<Record<AuditEvent['action'], { type: Coding; subtype: Coding; action: 'R' | 'E' }>> = {
  READ: {
    type: { system: DCM, code: '110110', display: 'Patient Record' },
    subtype: { system: RESTFUL, code: 'read', display: 'read' },
    action: 'R',
  },
  LOOKUP: {
    type: { system: DCM, code: '110112', display: 'Query' },
    subtype: { system: RESTFUL, code: 'search-type', display: 'search type' },
    action: 'E',
  },
  EMERGENCY_ACCESS: {
    type: { system: DCM, code: '110113', display: 'Security Alert' },
    subtype: { system: DCM, code: '110127', display: 'Emergency Override Started' },
    action: 'E',
  },
};

/** One stored audit event as a FHIR R4 AuditEvent. */
export function toFhirAuditEvent(event: AuditEvent, options: { readonly observer?: string } = {}): FhirAuditEvent {
  const purpose: CodeableConcept[] | undefined = event.emergency
    ? [
        {
          coding: [
            { system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' },
            { system: ACT_REASON, code: 'BTG', display: 'break the glass' },
          ],
          ...(event.emergencyReason ? { text: event.emergencyReason } : {}),
        },
      ]
    : undefined;
  const kind = KINDS[event.action];
  return {
    resourceType: 'AuditEvent',
    id: event.id,
    type: kind.type,
    subtype: [kind.subtype],
    action: kind.action,
    recorded: formatAuditInstant(event.at.getTime()),
    outcome: event.outcome === 'ALLOWED' ? '0' : '4',
    ...(event.outcome === 'DENIED' ? { outcomeDesc: `FORBIDDEN ${event.reason}` } : {}),
    ...(purpose ? { purposeOfEvent: purpose } : {}),
    agent: [
      {
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser', display: 'human user' }],
        },
        role: [{ coding: [{ system: ROLE_SYSTEM, code: event.actorRole, display: ROLE_DISPLAY[event.actorRole] }] }],
        ...(event.actorSub !== null
          ? { who: { identifier: { system: SUB_SYSTEM, value: event.actorSub }, ...(event.actorName ? { display: event.actorName } : {}) } }
          : {}),
        ...(event.actorName ? { name: event.actorName } : {}),
        requestor: true,
        ...(event.basis ? { policy: [`${BASIS_POLICY_PREFIX}${event.basis}`] } : {}),
        ...(purpose ? { purposeOfUse: purpose } : {}),
      },
    ],
    source: {
      site: 'Itä-Uusimaa wellbeing services county',
      observer: { display: options.observer ?? 'region-graph' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: [
      {
        what: { identifier: { system: HETU_SYSTEM, value: event.subjectHetu } },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
        detail: [
          ...(event.dataGroups.length > 0 ? [{ type: 'dataGroups', valueString: event.dataGroups.join(' ') }] : []),
          ...(event.lookupResult ? [{ type: 'lookupResult', valueString: event.lookupResult }] : []),
          { type: 'requestId', valueString: event.requestId },
        ],
      },
    ],
  };
}
