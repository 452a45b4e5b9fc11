import fc from 'fast-check';
import { normalisePostcode } from '../../lambdas/domain/postcode';

describe('normalisePostcode', () => {
  it.each([
    ['ls11aa', 'LS1 1AA'],
    ['sw1a 1aa', 'SW1A 1AA'],
    ['  YO1   7HH ', 'YO1 7HH'],
    ['m1 1ae', 'M1 1AE'], // A9 9AA
    ['B33 8TH', 'B33 8TH'], // A99 9AA
    ['W1A 0AX', 'W1A 0AX'], // A9A 9AA
    ['CR2 6XH', 'CR2 6XH'], // AA9 9AA
    ['DN55 1PT', 'DN55 1PT'], // AA99 9AA
    ['EC1A 1BB', 'EC1A 1BB'], // AA9A 9AA
    ['gir0aa', 'GIR 0AA'],
    ['L S 1\t1 A A', 'LS1 1AA'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['LS1', 'outward code only'],
    ['1AA', 'inward code only'],
    ['LS1 1AAA', 'too long'],
    ['QS1 1AA', 'Q cannot start a postcode'],
    ['VS1 1AA', 'V cannot start a postcode'],
    ['XS1 1AA', 'X cannot start a postcode'],
    ['LI1 1AA', 'I cannot be second'],
    ['LS1 1CA', 'C is not an inward letter'],
    ['LS1 1AI', 'I is not an inward letter'],
    ['LS1 1KA', 'K is not an inward letter'],
    ['LS1 1MA', 'M is not an inward letter'],
    ['LS1 1AO', 'O is not an inward letter'],
    ['LS1 1VA', 'V is not an inward letter'],
    ['W1I 1AA', 'I is not allowed third in A9A'],
    ['EC1C 1BB', 'C is not allowed fourth in AA9A'],
    ['LS1-1AA', 'punctuation'],
    ['12345', 'a US ZIP code'],
    ['GIR 1AA', 'only GIR 0AA is special'],
  ])('rejects %j (%s)', (input) => {
    expect(normalisePostcode(input)).toBeNull();
  });

  it('gives the same answer however the citizen spaces and capitalises it', () => {
    const valid = fc.constantFrom('LS1 1AA', 'SW1A 1AA', 'YO1 7HH', 'EC1A 1BB', 'DN55 1PT', 'GIR 0AA', 'M1 1AE');
    fc.assert(
      fc.property(valid, fc.array(fc.boolean()), fc.array(fc.constantFrom('', ' ', '  ', '\t')), (postcode, lower, gaps) => {
        const scrambled = [...postcode.replace(' ', '')].map((c, i) => (lower[i] ? c.toLowerCase() : c) + (gaps[i] ?? '')).join('');
        expect(normalisePostcode(scrambled)).toBe(postcode);
      }),
    );
  });

  it('is idempotent and always answers in the canonical shape', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPRSTUWXYZ0123456789 abz'), maxLength: 10 }), (input) => {
        const once = normalisePostcode(input);
        if (once === null) return;
        expect(once).toMatch(/^[A-Z][A-Z0-9]{1,3} [0-9][A-Z]{2}$/);
        expect(normalisePostcode(once)).toBe(once);
      }),
    );
  });
});
