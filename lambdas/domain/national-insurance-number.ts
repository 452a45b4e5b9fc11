// National Insurance numbers as HMRC allocates them, so that a typo is caught while the
// citizen is still there rather than by a department days later.

// First letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; a few prefixes are
// never allocated (BG, GB, NK, KN, TN, NT: administrative; ZZ: temporary/placeholder).
const NINO = /^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$/;

/** Returns the number in compact upper case ("AB123456C"), or null if HMRC would never have issued it. */
export function normaliseNationalInsuranceNumber(input: string): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/\s+/g, '').toUpperCase();
  return NINO.test(compact) ? compact : null;
}
