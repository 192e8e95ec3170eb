import { describe, expect, it } from 'vitest';
import { CODE_LISTS, codeLabel } from './codeLabels.ts';

describe('the code list', () => {
  it('labels every code in Finnish, Swedish and English, each a trimmed non-empty text', () => {
    for (const [system, codes] of Object.entries(CODE_LISTS)) {
      expect(Object.keys(codes).length, system).toBeGreaterThan(0);
      for (const [code, label] of Object.entries(codes)) {
        expect(code, system).toMatch(/^[A-Z][A-Z_]*$/);
        for (const text of [label.fi, label.sv, label.en]) {
          expect(text, `${system}.${code}`).not.toBe('');
          expect(text, `${system}.${code}`).toBe(text.trim());
        }
      }
    }
  });

  it('labels the care areas as the wellbeing services counties do', () => {
    expect(CODE_LISTS.CareArea).toEqual({
      PRIMARY_HEALTH: { fi: 'Perusterveydenhuolto', sv: 'Primärvård', en: 'Primary health care' },
      ORAL_HEALTH: { fi: 'Suun terveydenhuolto', sv: 'Munhälsovård', en: 'Oral health care' },
      SOCIAL: { fi: 'Sosiaalihuolto', sv: 'Socialvård', en: 'Social care' },
    });
  });

  it('lists the code systems by their GraphQL enum names, in a fixed order', () => {
    expect(Object.keys(CODE_LISTS)).toEqual([
      'CareArea',
      'ServiceTask',
      'AppointmentStatus',
      'ContactMode',
      'ProfessionalKind',
      'ConsentType',
      'FeeKind',
      'FeeStatus',
      'PlanType',
      'DecisionOutcome',
      'Register',
      'DataGroup',
      'AccessBasis',
      'DataReadAction',
      'ReaderRole',
    ]);
  });

  it('finds one code’s label, and none for a code the system does not have', () => {
    expect(codeLabel('ProfessionalKind', 'NURSE')).toEqual({ fi: 'Sairaanhoitaja', sv: 'Sjukskötare', en: 'Nurse' });
    expect(codeLabel('ContactMode', 'HOME_VISIT')).toEqual({ fi: 'Kotikäynti', sv: 'Hembesök', en: 'Home visit' });
    expect(codeLabel('DataGroup', 'FEES')).toEqual({ fi: 'Asiakasmaksut', sv: 'Klientavgifter', en: 'Client fees' });
    expect(codeLabel('CareArea', 'NURSE')).toBeUndefined();
    expect(codeLabel('CareArea', 'toString')).toBeUndefined();
  });
});
