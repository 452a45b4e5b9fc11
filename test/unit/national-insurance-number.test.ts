import fc from 'fast-check';
import { normaliseNationalInsuranceNumber } from '../../lambdas/domain/national-insurance-number';

describe('normaliseNationalInsuranceNumber', () => {
  it.each([
    ['AB123456C', 'AB123456C'],
    ['ab 12 34 56 c', 'AB123456C'],
    [' Ce 123456 d ', 'CE123456D'],
    ['JZ000000A', 'JZ000000A'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normaliseNationalInsuranceNumber(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['AB123456', 'no suffix'],
    ['AB123456E', 'suffix after D'],
    ['AB12345C', 'five digits'],
    ['AB1234567C', 'seven digits'],
    ['DA123456A', 'D first'],
    ['FA123456A', 'F first'],
    ['IA123456A', 'I first'],
    ['QA123456A', 'Q first'],
    ['UA123456A', 'U first'],
    ['VA123456A', 'V first'],
    ['AO123456A', 'O second'],
    ['AD123456A', 'D second'],
    ['BG123456A', 'BG never allocated'],
    ['GB123456A', 'GB never allocated'],
    ['NK123456A', 'NK never allocated'],
    ['KN123456A', 'KN never allocated'],
    ['TN123456A', 'TN never allocated'],
    ['NT123456A', 'NT never allocated'],
    ['ZZ123456A', 'ZZ never allocated'],
    ['AB-12-34-56-C', 'punctuation'],
  ])('rejects %j (%s)', (input) => {
    expect(normaliseNationalInsuranceNumber(input)).toBeNull();
  });

  it('accepts any allocatable prefix with any digits and suffix, however spaced and cased', () => {
    const first = fc.constantFrom(...'ABCEGHJKLMNOPRSTWXYZ');
    const second = fc.constantFrom(...'ABCEGHJKLMNPRSTWXYZ');
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 6 });
    const suffix = fc.constantFrom(...'ABCD');
    fc.assert(
      fc.property(first, second, digits, suffix, fc.boolean(), (a, b, d, s, lower) => {
        const nino = `${a}${b}${d}${s}`;
        const input = `${a}${b} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${s}`;
        const expected = ['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(a + b) ? null : nino;
        expect(normaliseNationalInsuranceNumber(lower ? input.toLowerCase() : input)).toBe(expected);
      }),
    );
  });
});
