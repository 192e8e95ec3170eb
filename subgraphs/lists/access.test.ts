import { describe, expect, it } from 'vitest';
import type { Identity } from '../../contract/identity.ts';
import { makeHetu } from '../../domain/hetu.ts';
import type { EmergencyGrant } from '../access/policy.ts';
import { OperationReadCache, operationScope } from '../server/readCache.ts';
import { RequestAccess } from './access.ts';
import type { CustomerRepresentation } from './representation.ts';

const PATIENT = makeHetu('1970-05-05', 951);
const NOW = new Date('2026-11-23T10:00:00Z');
const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'physician-951',
  name: 'Test Physician',
  profession: 'PHYSICIAN',
  units: [],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};
const GRANT: EmergencyGrant = {
  id: '1',
  sub: PHYSICIAN.sub,
  hetu: PATIENT,
  reason: 'Unconscious patient in the emergency room',
  startedAt: new Date(NOW.getTime() - 60_000),
  expiresAt: new Date(NOW.getTime() + 3_600_000),
};
const rep: CustomerRepresentation = { hetu: PATIENT, vtjFacts: { guardians: [], turvakielto: false }, recordHolders: [] };

/** An emergency store that counts its reads. */
function countingGrants() {
  const calls: string[][] = [];
  return {
    calls,
    grantsFor: async (_sub: string, hetus: readonly string[]) => {
      calls.push([...hetus]);
      return hetus.map(() => [GRANT]);
    },
  };
}

describe('RequestAccess: emergency grants per gateway operation', () => {
  const services = (emergency: ReturnType<typeof countingGrants>) => ({
    audit: { record: async () => [] },
    emergency,
    clock: { now: () => NOW },
  });

  it('reads a person’s grants once for all of an operation’s lists fetches (one per distinct requirement), and again for another operation', async () => {
    const emergency = countingGrants();
    const cache = new OperationReadCache<EmergencyGrant[]>();
    const access = (requestId: string) =>
      new RequestAccess(services(emergency), PHYSICIAN, requestId, { cache, scope: operationScope(requestId, PHYSICIAN) });
    for (const fetch of [access('op-1'), access('op-1'), access('op-1')]) {
      const person = await fetch.person(rep, ['appointments', 'customerships', 'consents']);
      expect(person.ctx.activeGrant).toEqual(GRANT);
    }
    expect(emergency.calls).toEqual([[PATIENT]]);
    await access('op-2').person(rep, ['fees']);
    expect(emergency.calls).toEqual([[PATIENT], [PATIENT]]);
  });

  it('without the cache reads them for every request', async () => {
    const emergency = countingGrants();
    await new RequestAccess(services(emergency), PHYSICIAN, 'op-1').person(rep, ['fees']);
    await new RequestAccess(services(emergency), PHYSICIAN, 'op-1').person(rep, ['fees']);
    expect(emergency.calls).toEqual([[PATIENT], [PATIENT]]);
  });
});
