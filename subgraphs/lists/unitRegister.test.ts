import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadUnitRegister, parseUnitRegister, unitByName } from './unitRegister.ts';

describe('unit register', () => {
  it('reads Finnish and Swedish names by OID and skips lines that do not fit', () => {
    const register = parseUnitRegister(
      'OID\tNAME_FI\tNAME_SV\tMUNICIPALITY\n1.2.246.10.1061512.10.6381\tPorvoo terveysasema\tBorgå hälsostation\t638\nnot-an-oid\tX\tY\t638\n1.2.3\tonly Finnish\n',
    );
    expect([...register]).toEqual([['1.2.246.10.1061512.10.6381', { nameFi: 'Porvoo terveysasema', nameSv: 'Borgå hälsostation' }]]);
  });

  it('names every unit the bundled fixtures use in both languages', () => {
    const register = loadUnitRegister(join(import.meta.dirname, '../../fixtures'));
    expect(register.get('1.2.246.10.1061564.10.4071')).toEqual({ nameFi: 'Lapinjärvi terveysasema', nameSv: 'Lappträsk hälsostation' });
    expect(register.size).toBe(49);
  });

  it('finds a unit by its Finnish name, trimmed, spaces collapsed and in any case, with its OID and both names', () => {
    const register = loadUnitRegister(join(import.meta.dirname, '../../fixtures'));
    const porvoo = { oid: '1.2.246.10.1061512.10.6387', nameFi: 'Porvoo sosiaalipalvelut', nameSv: 'Borgå socialservice' };
    expect(unitByName(register, 'Porvoo sosiaalipalvelut')).toEqual(porvoo);
    expect(unitByName(register, '  PORVOO   Sosiaalipalvelut ')).toEqual(porvoo);
    expect(unitByName(register, 'Lapinjärvi kotihoito')?.nameSv).toBe('Lappträsk hemvård');
    expect(unitByName(register, 'Borgå socialservice')).toBeUndefined();
    expect(unitByName(register, 'Porvoo')).toBeUndefined();
  });

  it('finds no unit by a Finnish name two units share', () => {
    const register = parseUnitRegister(
      'OID\tNAME_FI\tNAME_SV\n1.2.3.1\tKotihoito\tHemvård A\n1.2.3.2\tkotihoito\tHemvård B\n1.2.3.3\tPerhekeskus\tFamiljecentrum\n',
    );
    expect(unitByName(register, 'Kotihoito')).toBeUndefined();
    expect(unitByName(register, 'perhekeskus')).toEqual({ oid: '1.2.3.3', nameFi: 'Perhekeskus', nameSv: 'Familjecentrum' });
  });

  it('is empty for a region directory without a register', () => {
    expect(loadUnitRegister(import.meta.dirname).size).toBe(0);
  });
});
