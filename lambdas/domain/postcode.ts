// UK postcodes as citizens type them ("ls11aa", "Sw1A 1aa") normalised to the Royal Mail
// form ("LS1 1AA") so that departments receive one spelling and duplicates compare equal.

// Outward code formats A9, A99, A9A, AA9, AA99, AA9A with the letters Royal Mail allows in each
// position; inward code 9AA without C, I, K, M, O, V (they look like other characters).
const FIRST = '[A-PR-UWYZ]'; // not Q, V, X
const SECOND = '[A-HK-Y]'; // not I, J, Z
const THIRD_A9A = '[A-HJKPSTUW]';
const FOURTH_AA9A = '[ABEHMNPRVWXY]';
const OUTWARD = `(?:${FIRST}[0-9][0-9]?|${FIRST}${SECOND}[0-9][0-9]?|${FIRST}[0-9]${THIRD_A9A}|${FIRST}${SECOND}[0-9]${FOURTH_AA9A})`;
const INWARD = '[0-9][ABD-HJLNP-UW-Z]{2}';
const POSTCODE = new RegExp(`^(?:(${OUTWARD})(${INWARD})|(GIR)(0AA))$`);

/** Returns the postcode in upper case with one space before the inward code, or null if it is not a UK postcode. */
export function normalisePostcode(input: string): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/\s+/g, '').toUpperCase();
  const match = POSTCODE.exec(compact);
  if (!match) return null;
  const outward = match[1] ?? match[3];
  const inward = match[2] ?? match[4];
  return `${outward} ${inward}`;
}
