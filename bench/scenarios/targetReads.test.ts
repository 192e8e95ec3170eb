import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { targetReads } from './region.ts';

describe('targetReads (issue 13: reads per query, no more)', () => {
  const person = { hetu: makeHetu('1980-01-01', 901), instances: ['lifecare-porvoo', 'mediatri-sipoo'], relatives: 2 };
  it('is the holding instances plus VTJ for a citizen’s appointments (no relative asked)', () => {
    expect(targetReads('citizenAppointments', person)).toBe(3);
  });
  it('adds one VTJ read per guardian and dependant for the client overview, which names them, and no record read of theirs', () => {
    expect(targetReads('clientOverview', person)).toBe(5);
    expect(targetReads('clientOverview', { hetu: person.hetu, instances: person.instances })).toBe(3);
  });
  it('adds each VTJ dependant as a person (VTJ and their instances) for the fee ceiling', () => {
    const dependants = [
      { hetu: '010115A902K', instances: ['pegasos-loviisa'] },
      { hetu: '010117A903L', instances: [] },
    ];
    expect(targetReads('feeCeiling', { ...person, dependants })).toBe(3 + 2 + 1);
  });
});
