import { describe, expect, it } from 'vitest';
import { INSTANCES, MUNICIPALITIES, instance, isInstanceId, municipality, recordMunicipality, type InstanceId } from './region.ts';

describe('region tables (region.md)', () => {
  it('has the seven municipalities with codes as strings', () => {
    expect(MUNICIPALITIES.map((m) => m.code).sort()).toEqual(['018', '407', '434', '504', '616', '638', '753']);
    expect(municipality('018')?.nameFi).toBe('Askola');
    expect(municipality('638')?.nameSv).toBe('Borgå');
    expect(municipality('407')?.nameSv).toBe('Lappträsk');
    expect(municipality('504')?.nameSv).toBe('Mörskom');
    expect(municipality('18')).toBeUndefined();
    expect(municipality('091')).toBeUndefined();
  });

  it('has the twelve instances with their products and Lifecare versions', () => {
    expect(INSTANCES).toHaveLength(12);
    expect(new Set(INSTANCES.map((i) => i.id)).size).toBe(12);
    for (const i of INSTANCES) expect(i.id.startsWith(i.product), i.id).toBe(true);
    expect(instance('lifecare-porvoo').version).toBe('MR2020');
    expect(instance('lifecare-phhyky').version).toBe('MR2020');
    expect(instance('lifecare-askola').version).toBe('V2015');
  });

  it("every municipality's instances exist and serve that municipality", () => {
    for (const m of MUNICIPALITIES) {
      for (const id of [m.primaryHealth, m.social, m.oralHealth]) {
        expect(isInstanceId(id), `${m.code} ${id}`).toBe(true);
        expect(instance(id).municipalities, `${m.code} ${id}`).toContain(m.code);
      }
    }
  });

  it('every instance but vtj serves only municipalities that use it', () => {
    for (const i of INSTANCES) {
      if (i.id === 'vtj') continue;
      expect(i.municipalities.length, i.id).toBeGreaterThan(0);
      for (const code of i.municipalities) {
        const m = municipality(code);
        expect(m, `${i.id} ${code}`).toBeDefined();
        expect([m?.primaryHealth, m?.social, m?.oralHealth], `${i.id} ${code}`).toContain(i.id);
      }
    }
  });

  it('matches the instance table of region.md', () => {
    const table: Record<InstanceId, string[]> = {
      'lifecare-porvoo': ['638'],
      'lifecare-askola': ['018'],
      'lifecare-phhyky': ['504', '616'],
      'pegasos-loviisa': ['434', '407'],
      'mediatri-sipoo': ['753'],
      'mediatri-loviisa': ['434', '407'],
      'effica-porvoo': ['638'],
      'effica-phhyky': ['504', '616'],
      'proconsona-sipoo': ['753'],
      'proconsona-loviisa': ['434', '407'],
      'proconsona-askola': ['018'],
      vtj: [],
    };
    for (const i of INSTANCES) expect([...i.municipalities], i.id).toEqual(table[i.id]);
  });
});

describe('isInstanceId and instance', () => {
  it("recognises exactly the region's instances", () => {
    for (const i of INSTANCES) expect(isInstanceId(i.id)).toBe(true);
    for (const s of ['', 'lifecare', 'Lifecare-porvoo', 'lifecare-porvoo ', 'lifecare-helsinki', '__proto__', 'toString', 'constructor']) {
      expect(isInstanceId(s), JSON.stringify(s)).toBe(false);
    }
  });

  it('instance throws for an unknown id', () => {
    expect(() => instance('lifecare-helsinki' as InstanceId)).toThrow(RangeError);
  });
});

describe('recordMunicipality', () => {
  it('gives a single-municipality instance its own municipality whatever the person field says', () => {
    expect(recordMunicipality(instance('lifecare-porvoo'), '638')).toBe('638');
    expect(recordMunicipality(instance('lifecare-porvoo'), undefined)).toBe('638');
    expect(recordMunicipality(instance('lifecare-porvoo'), '753')).toBe('638');
    expect(recordMunicipality(instance('lifecare-askola'), '18')).toBe('018');
    expect(recordMunicipality(instance('proconsona-sipoo'), '')).toBe('753');
  });

  it('gives a shared instance the municipality it has for the person', () => {
    expect(recordMunicipality(instance('lifecare-phhyky'), '504')).toBe('504');
    expect(recordMunicipality(instance('lifecare-phhyky'), '616')).toBe('616');
    expect(recordMunicipality(instance('effica-phhyky'), '616')).toBe('616');
    expect(recordMunicipality(instance('pegasos-loviisa'), '407')).toBe('407');
    expect(recordMunicipality(instance('mediatri-loviisa'), '434')).toBe('434');
    expect(recordMunicipality(instance('proconsona-loviisa'), '407')).toBe('407');
  });

  it('gives undefined when a shared instance names a municipality it does not serve', () => {
    expect(recordMunicipality(instance('lifecare-phhyky'), '638')).toBeUndefined();
    expect(recordMunicipality(instance('pegasos-loviisa'), '753')).toBeUndefined();
    expect(recordMunicipality(instance('pegasos-loviisa'), undefined)).toBeUndefined();
    expect(recordMunicipality(instance('pegasos-loviisa'), '')).toBeUndefined();
    // the code is a string: 407 without its form is not matched loosely
    expect(recordMunicipality(instance('pegasos-loviisa'), ' 407')).toBeUndefined();
  });
});
