// Identifiers derived from their inputs rather than random, so a request retried after a
// timeout or crash lands on the same submission and the same notifications (and a department
// sees the same webhook-id) instead of creating duplicates.
import { createHash } from 'node:crypto';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // no I, L, O, U: nothing to misread
const ID_LENGTH = 26; // 130 bits of the hash

// JSON-encoding the parts with a purpose label is unambiguous ("a|b" + "c" never equals "a" + "b|c")
// and keeps ids of different kinds from ever sharing a hash.
function digest(purpose: string, ...parts: string[]): Buffer {
  return createHash('sha256')
    .update(JSON.stringify([purpose, ...parts]), 'utf8')
    .digest();
}

function base32(bytes: Buffer, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += CROCKFORD_BASE32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === length) break;
  }
  return out;
}

/** `sub_` + 26 lower-case Crockford base32 characters, the same for the same citizen and Idempotency-Key. */
export function submissionIdFor(citizenId: string, idempotencyKey: string): string {
  return 'sub_' + base32(digest('submission', citizenId, idempotencyKey), ID_LENGTH).toLowerCase();
}

/** `ntf_` + 26 lower-case Crockford base32 characters: one notification per submission and department. */
export function notificationIdFor(submissionId: string, departmentId: string): string {
  return 'ntf_' + base32(digest('notification', submissionId, departmentId), ID_LENGTH).toLowerCase();
}

/** `cor_` + 26 characters: one correction per submission and Idempotency-Key. */
export function correctionIdFor(submissionId: string, idempotencyKey: string): string {
  return 'cor_' + base32(digest('correction', submissionId, idempotencyKey), ID_LENGTH).toLowerCase();
}

/** The `address.corrected` notification of one correction to one department. */
export function correctionNotificationIdFor(correctionId: string, departmentId: string): string {
  return 'ntf_' + base32(digest('correction-notification', correctionId, departmentId), ID_LENGTH).toLowerCase();
}

/** The `address.withdrawn` notice for a notification already delivered: one per notification withdrawn. */
export function withdrawalNotificationIdFor(notificationId: string): string {
  return 'ntf_' + base32(digest('withdrawal-notification', notificationId), ID_LENGTH).toLowerCase();
}

/** A department's id: 2 to 40 lower-case letters, digits or hyphens (chosen when it is registered). */
export const DEPARTMENT_ID_PATTERN = /^[a-z0-9-]{2,40}$/;

const SUBMISSION_ID = /^sub_[0-9a-hjkmnp-tv-z]{26}$/;
const NOTIFICATION_ID = /^ntf_[0-9a-hjkmnp-tv-z]{26}$/;

/** Whether the text could be a submission id at all: anything else is answered 404 without a lookup. */
export const isSubmissionId = (text: string): boolean => SUBMISSION_ID.test(text);
/** Whether the text could be a notification id at all: anything else is answered 404 without a lookup. */
export const isNotificationId = (text: string): boolean => NOTIFICATION_ID.test(text);

/**
 * A short reference a citizen can read out on the phone, e.g. "TUO-7F3K-9QX2". It carries 40
 * bits, so it is for people, not a key: look submissions up by id.
 */
export function referenceFor(submissionId: string): string {
  const code = base32(digest('reference', submissionId), 8);
  return `TUO-${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * SHA-256 (hex) of a canonical JSON rendering (object keys sorted at every depth, JSON rules
 * for everything else), so the same body with its keys reordered has the same fingerprint.
 */
export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

export function canonicalJson(value: unknown): string {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value) ?? 'null');
  return JSON.stringify(sortKeys(plain));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so even a "__proto__" key is kept as data.
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
