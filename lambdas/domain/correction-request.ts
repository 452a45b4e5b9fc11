// The body of POST /v1/submissions/{id}/corrections (CONTRACT section 10): any of the parts of a
// change of address, each replacing that part whole and validated exactly as on submission.
import * as z from 'zod/mini';
import { makeChangeOfAddressParts, MOVED_BEFORE_BIRTH } from './change-of-address-request';
import type { EntitleableField } from './entitlement';
import type { ChangeOfAddress } from './submission';
import { parseWith, type FieldError, type ParseResult } from './problem-details';

export const CORRECTABLE_PARTS = ['person', 'previousAddress', 'newAddress', 'movedOn'] as const;

export function makeCorrectionRequestSchema(now: () => Date) {
  const parts = makeChangeOfAddressParts(now);
  return z
    .strictObject(
      {
        person: z.optional(parts.person),
        previousAddress: z.optional(parts.previousAddress),
        newAddress: z.optional(parts.newAddress),
        movedOn: z.optional(parts.movedOn),
      },
      { error: () => 'The request body must be a JSON object.' },
    )
    .check(
      z.refine((request) => CORRECTABLE_PARTS.some((part) => request[part] !== undefined), {
        message: `Give at least one of ${CORRECTABLE_PARTS.join(', ')} to correct.`,
      }),
    );
}

export const correctionRequestSchema = makeCorrectionRequestSchema(() => new Date());
export type CorrectionRequest = z.output<typeof correctionRequestSchema>;

export function parseCorrectionRequest(body: unknown, schema = correctionRequestSchema): ParseResult<CorrectionRequest> {
  return parseWith(schema, body);
}

/** The change as corrected: each part given replaces the stored one whole. */
export function applyCorrection(change: ChangeOfAddress, correction: CorrectionRequest): ChangeOfAddress {
  return {
    person: correction.person ?? change.person,
    previousAddress: correction.previousAddress ?? change.previousAddress,
    newAddress: correction.newAddress ?? change.newAddress,
    movedOn: correction.movedOn ?? change.movedOn,
  };
}

/** The rule across parts, checked on the change as corrected (a part not sent may be the other half). */
export function crossPartErrors(corrected: ChangeOfAddress): FieldError[] {
  return corrected.movedOn < corrected.person.dateOfBirth ? [{ pointer: '/movedOn', detail: MOVED_BEFORE_BIRTH }] : [];
}

const sameAddress = (a: ChangeOfAddress['newAddress'], b: ChangeOfAddress['newAddress']) =>
  a.line1 === b.line1 && (a.line2 ?? '') === (b.line2 ?? '') && a.town === b.town && a.postcode === b.postcode;

/**
 * The field names (in the entitlement vocabulary) whose values differ between the change as it
 * was and as corrected: what departments are told changed, and how entitlement decides who is told.
 */
export function changedFields(before: ChangeOfAddress, after: ChangeOfAddress): EntitleableField[] {
  const changed: EntitleableField[] = [];
  for (const field of ['givenName', 'familyName', 'dateOfBirth', 'nationalInsuranceNumber', 'email'] as const) {
    if (before.person[field] !== after.person[field]) changed.push(`person.${field}`);
  }
  if (!sameAddress(before.previousAddress, after.previousAddress)) changed.push('previousAddress');
  if (!sameAddress(before.newAddress, after.newAddress)) changed.push('newAddress');
  if (before.movedOn !== after.movedOn) changed.push('movedOn');
  return changed;
}
