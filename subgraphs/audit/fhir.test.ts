/**
 * The FHIR export checked against the R4 (4.0.1) AuditEvent structure:
 * element names, cardinalities, data types (Coding vs CodeableConcept,
 * instant, uri), required elements, the required code bindings (action,
 * outcome) and the codes of the value sets used.
 */
import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { AuditEvent } from './events.ts';
import { toFhirAuditEvent } from './fhir.ts';

const PERSON = makeHetu('1980-05-01', 901);

// ---------------------------------------------------------------- R4 shape

type Problems = string[];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const INSTANT =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const CODE = /^[^\s]+( [^\s]+)*$/;
const URI = /^\S+$/;

function keysOnly(o: Record<string, unknown>, allowed: readonly string[], where: string, p: Problems) {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) p.push(`${where}: unknown element ${k}`);
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) p.push(`${where}.${k}: empty element`);
  }
}
function string(v: unknown, where: string, p: Problems) {
  if (typeof v !== 'string' || v.trim() === '') p.push(`${where}: expected a non-empty string`);
}
function coding(v: unknown, where: string, p: Problems) {
  if (!isObj(v)) return void p.push(`${where}: expected a Coding`);
  keysOnly(v, ['system', 'version', 'code', 'display', 'userSelected'], where, p);
  if (typeof v.system !== 'string' || !URI.test(v.system)) p.push(`${where}.system: expected a uri`);
  if (typeof v.code !== 'string' || !CODE.test(v.code)) p.push(`${where}.code: expected a code`);
  if (v.display !== undefined) string(v.display, `${where}.display`, p);
}
function concept(v: unknown, where: string, p: Problems) {
  if (!isObj(v)) return void p.push(`${where}: expected a CodeableConcept`);
  keysOnly(v, ['coding', 'text'], where, p);
  if (v.coding !== undefined) array(v.coding, `${where}.coding`, p, coding);
  if (v.text !== undefined) string(v.text, `${where}.text`, p);
  if (v.coding === undefined && v.text === undefined) p.push(`${where}: empty CodeableConcept`);
}
function reference(v: unknown, where: string, p: Problems) {
  if (!isObj(v)) return void p.push(`${where}: expected a Reference`);
  keysOnly(v, ['reference', 'type', 'identifier', 'display'], where, p);
  if (v.identifier !== undefined) {
    if (!isObj(v.identifier)) p.push(`${where}.identifier: expected an Identifier`);
    else {
      keysOnly(v.identifier, ['use', 'type', 'system', 'value', 'period', 'assigner'], `${where}.identifier`, p);
      string(v.identifier.system, `${where}.identifier.system`, p);
      string(v.identifier.value, `${where}.identifier.value`, p);
    }
  }
  if (v.reference === undefined && v.identifier === undefined && v.display === undefined) p.push(`${where}: empty Reference`);
}
function array(v: unknown, where: string, p: Problems, each: (x: unknown, w: string, p: Problems) => void, min = 0) {
  if (!Array.isArray(v)) return void p.push(`${where}: expected an array`);
  if (v.length < min) p.push(`${where}: expected at least ${min}`);
  v.forEach((x, i) => each(x, `${where}[${i}]`, p));
}

/** Problems of a resource against the R4 AuditEvent structure; empty when it conforms. */
function r4AuditEventProblems(r: unknown): Problems {
  const p: Problems = [];
  if (!isObj(r)) return ['not an object'];
  keysOnly(
    r,
    [
      'resourceType',
      'id',
      'meta',
      'implicitRules',
      'language',
      'text',
      'contained',
      'extension',
      'modifierExtension',
      'type',
      'subtype',
      'action',
      'period',
      'recorded',
      'outcome',
      'outcomeDesc',
      'purposeOfEvent',
      'agent',
      'source',
      'entity',
    ],
    'AuditEvent',
    p,
  );
  if (r.resourceType !== 'AuditEvent') p.push('resourceType: expected AuditEvent');
  if (r.id !== undefined && (typeof r.id !== 'string' || !ID.test(r.id))) p.push('id: expected an id');
  coding(r.type, 'type', p); // 1..1 Coding (R4: not a CodeableConcept)
  if (r.subtype !== undefined) array(r.subtype, 'subtype', p, coding);
  if (r.action !== undefined && !['C', 'R', 'U', 'D', 'E'].includes(r.action as string)) p.push('action: not in AuditEventAction');
  if (typeof r.recorded !== 'string' || !INSTANT.test(r.recorded)) p.push('recorded: expected an instant');
  if (r.outcome !== undefined && !['0', '4', '8', '12'].includes(r.outcome as string)) p.push('outcome: not in AuditEventOutcome');
  if (r.outcomeDesc !== undefined) string(r.outcomeDesc, 'outcomeDesc', p);
  if (r.purposeOfEvent !== undefined) array(r.purposeOfEvent, 'purposeOfEvent', p, concept);
  array(
    r.agent,
    'agent',
    p,
    (a, w, p) => {
      if (!isObj(a)) return void p.push(`${w}: expected an object`);
      keysOnly(a, ['type', 'role', 'who', 'altId', 'name', 'requestor', 'location', 'policy', 'media', 'network', 'purposeOfUse'], w, p);
      if (typeof a.requestor !== 'boolean') p.push(`${w}.requestor: required boolean`);
      if (a.type !== undefined) concept(a.type, `${w}.type`, p);
      if (a.role !== undefined) array(a.role, `${w}.role`, p, concept);
      if (a.who !== undefined) reference(a.who, `${w}.who`, p);
      if (a.name !== undefined) string(a.name, `${w}.name`, p);
      if (a.policy !== undefined)
        array(a.policy, `${w}.policy`, p, (x, w2, p2) =>
          typeof x === 'string' && URI.test(x) ? undefined : p2.push(`${w2}: expected a uri`),
        );
      if (a.purposeOfUse !== undefined) array(a.purposeOfUse, `${w}.purposeOfUse`, p, concept);
    },
    1,
  );
  if (!isObj(r.source)) p.push('source: required');
  else {
    keysOnly(r.source, ['site', 'observer', 'type'], 'source', p);
    reference(r.source.observer, 'source.observer', p); // 1..1
    if (r.source.type !== undefined) array(r.source.type, 'source.type', p, coding);
  }
  if (r.entity !== undefined) {
    array(r.entity, 'entity', p, (e, w, p) => {
      if (!isObj(e)) return void p.push(`${w}: expected an object`);
      keysOnly(e, ['what', 'type', 'role', 'lifecycle', 'securityLabel', 'name', 'description', 'query', 'detail'], w, p);
      if (e.name !== undefined && e.query !== undefined) p.push(`${w}: sev-1 either a name or a query`);
      if (e.what !== undefined) reference(e.what, `${w}.what`, p);
      if (e.type !== undefined) coding(e.type, `${w}.type`, p);
      if (e.role !== undefined) coding(e.role, `${w}.role`, p);
      if (e.detail !== undefined) {
        array(e.detail, `${w}.detail`, p, (d, w2, p2) => {
          if (!isObj(d)) return void p2.push(`${w2}: expected an object`);
          keysOnly(d, ['type', 'valueString', 'valueBase64Binary'], w2, p2);
          string(d.type, `${w2}.type`, p2);
          if ((d.valueString === undefined) === (d.valueBase64Binary === undefined)) p2.push(`${w2}: exactly one value[x]`);
        });
      }
    });
  }
  return p;
}

// ---------------------------------------------------------------- tests

const base: AuditEvent = {
  id: '42',
  at: new Date('2025-10-26T00:30:00Z'),
  requestId: 'req-7f3a',
  action: 'READ',
  actorSub: 'physician-1',
  actorRole: 'professional',
  actorName: 'Demo Lääkäri',
  subjectHetu: PERSON,
  dataGroups: ['APPOINTMENTS', 'FEES'],
  outcome: 'ALLOWED',
  basis: 'CARE_RELATION',
  emergency: false,
};

describe('toFhirAuditEvent', () => {
  it('the validator catches what R4 forbids (it can fail)', () => {
    const good = toFhirAuditEvent(base);
    expect(r4AuditEventProblems(good)).toEqual([]);
    expect(r4AuditEventProblems({ ...good, type: { coding: [good.type] } })).toContain('type.code: expected a code');
    expect(r4AuditEventProblems({ ...good, agent: [] })).toContain('agent: expected at least 1');
    expect(r4AuditEventProblems({ ...good, recorded: '2025-10-26 03:30' })).toContain('recorded: expected an instant');
    expect(r4AuditEventProblems({ ...good, outcome: '403' })).toContain('outcome: not in AuditEventOutcome');
    const { source: _s, ...noSource } = good;
    expect(r4AuditEventProblems(noSource)).toContain('source: required');
    expect(r4AuditEventProblems({ ...good, agent: [{ who: good.agent[0]!.who }] })).toContain('agent[0].requestor: required boolean');
    expect(r4AuditEventProblems({ ...good, patient: 'x' })).toContain('AuditEvent: unknown element patient');
  });

  it('a read allowed on a care relation', () => {
    const r = toFhirAuditEvent(base);
    expect(r4AuditEventProblems(r)).toEqual([]);
    expect(r).toEqual({
      resourceType: 'AuditEvent',
      id: '42',
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110', display: 'Patient Record' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' }],
      action: 'R',
      // 00:30 UTC on the day summer time ends is 02:30 Helsinki summer time (+03:00).
      recorded: '2025-10-26T03:30:00.000+03:00',
      outcome: '0',
      agent: [
        {
          type: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser', display: 'human user' },
            ],
          },
          role: [
            { coding: [{ system: 'urn:region-graph:actor-role', code: 'professional', display: 'Health or social care professional' }] },
          ],
          who: { identifier: { system: 'urn:region-graph:sub', value: 'physician-1' }, display: 'Demo Lääkäri' },
          name: 'Demo Lääkäri',
          requestor: true,
          policy: ['urn:region-graph:access-basis:CARE_RELATION'],
        },
      ],
      source: {
        site: 'Itä-Uusimaa wellbeing services county',
        observer: { display: 'region-graph' },
        type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
      },
      entity: [
        {
          what: { identifier: { system: 'urn:oid:1.2.246.21', value: PERSON } },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
          detail: [
            { type: 'dataGroups', valueString: 'APPOINTMENTS FEES' },
            { type: 'requestId', valueString: 'req-7f3a' },
          ],
        },
      ],
    });
  });

  it('a denial: outcome 4 with the reason class, no policy', () => {
    const r = toFhirAuditEvent({ ...base, outcome: 'DENIED', basis: undefined, reason: 'NO_CONSENT' } as AuditEvent);
    const { basis: _b, ...denied } = { ...base, outcome: 'DENIED' as const, reason: 'NO_CONSENT' as const };
    expect(toFhirAuditEvent(denied)).toEqual(r);
    expect(r4AuditEventProblems(r)).toEqual([]);
    expect(r.outcome).toBe('4');
    expect(r.outcomeDesc).toBe('FORBIDDEN NO_CONSENT');
    expect(r.agent[0]).not.toHaveProperty('policy');
  });

  it('a read under emergency access carries purposeOfUse ETREAT and BTG with the reason', () => {
    const r = toFhirAuditEvent({ ...base, basis: 'EMERGENCY', emergency: true, emergencyReason: 'Tajuton potilas päivystyksessä' });
    expect(r4AuditEventProblems(r)).toEqual([]);
    const purpose = [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'ETREAT', display: 'Emergency Treatment' },
          { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG', display: 'break the glass' },
        ],
        text: 'Tajuton potilas päivystyksessä',
      },
    ];
    expect(r.purposeOfEvent).toEqual(purpose);
    expect(r.agent[0]!.purposeOfUse).toEqual(purpose);
    expect(r.agent[0]!.policy).toEqual(['urn:region-graph:access-basis:EMERGENCY']);
  });

  it('the start of emergency access: Security Alert / Emergency Override Started, action E, no data groups', () => {
    const r = toFhirAuditEvent({
      ...base,
      action: 'EMERGENCY_ACCESS',
      dataGroups: [],
      basis: 'EMERGENCY',
      emergency: true,
      emergencyReason: 'Elvytys käynnissä, tarvitaan lääkitys',
    });
    expect(r4AuditEventProblems(r)).toEqual([]);
    expect(r.type).toEqual({ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110113', display: 'Security Alert' });
    expect(r.subtype).toEqual([
      { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110127', display: 'Emergency Override Started' },
    ]);
    expect(r.action).toBe('E');
    expect(r.entity![0]!.detail).toEqual([{ type: 'requestId', valueString: 'req-7f3a' }]);
  });

  it('an anonymous caller has no `who`; a citizen has no name', () => {
    const anon = toFhirAuditEvent({
      ...base,
      actorSub: null,
      actorRole: 'anonymous',
      actorName: undefined,
      outcome: 'DENIED',
      basis: undefined,
      reason: 'NOT_AUTHENTICATED',
    } as AuditEvent);
    expect(r4AuditEventProblems(anon)).toEqual([]);
    expect(anon.agent[0]).not.toHaveProperty('who');
    const { actorName: _n, ...noName } = base;
    const citizen = toFhirAuditEvent({ ...noName, actorSub: 'c-1', actorRole: 'citizen', basis: 'SELF' });
    expect(r4AuditEventProblems(citizen)).toEqual([]);
    expect(citizen.agent[0]!.who).toEqual({ identifier: { system: 'urn:region-graph:sub', value: 'c-1' } });
    expect(citizen.agent[0]).not.toHaveProperty('name');
  });

  it('a professional’s lookup by identity code: a Query, action E, with what it answered', () => {
    const r = toFhirAuditEvent({ ...base, action: 'LOOKUP', dataGroups: [], basis: 'PROFESSIONAL_ROLE', lookupResult: 'NOT_FOUND' });
    expect(r4AuditEventProblems(r)).toEqual([]);
    expect([r.type, r.subtype, r.action, r.outcome]).toEqual([
      { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110112', display: 'Query' },
      [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'search-type', display: 'search type' }],
      'E',
      '0',
    ]);
    expect(r.agent[0]!.policy).toEqual(['urn:region-graph:access-basis:PROFESSIONAL_ROLE']);
    expect(r.entity![0]!.detail).toEqual([
      { type: 'lookupResult', valueString: 'NOT_FOUND' },
      { type: 'requestId', valueString: 'req-7f3a' },
    ]);
  });
});
