// The one place a department's payload is built: it copies, field by field, only what the
// department is entitled to. Nothing is spread or looked up by name, so a field the citizen
// sent but the department may not see (or any stray property) can never reach it.

import type { Address, ChangeOfAddress } from './submission';

export const ENTITLEABLE_FIELDS = [
  'person.givenName',
  'person.familyName',
  'person.dateOfBirth',
  'person.nationalInsuranceNumber',
  'person.email',
  'previousAddress',
  'newAddress',
  'movedOn',
] as const;
export type EntitleableField = (typeof ENTITLEABLE_FIELDS)[number];

export interface EntitledData {
  person?: Partial<ChangeOfAddress['person']>;
  previousAddress?: Address;
  newAddress?: Address;
  movedOn?: string;
}

/** Builds a new object holding only the entitled fields; optional fields the citizen did not give are omitted. */
export function selectEntitledFields(change: ChangeOfAddress, fields: readonly EntitleableField[]): EntitledData {
  const entitled = new Set<string>(fields);
  const has = (field: EntitleableField) => entitled.has(field);
  const data: EntitledData = {};

  const person: NonNullable<EntitledData['person']> = {};
  const { person: from } = change;
  if (has('person.givenName')) person.givenName = from.givenName;
  if (has('person.familyName')) person.familyName = from.familyName;
  if (has('person.dateOfBirth')) person.dateOfBirth = from.dateOfBirth;
  if (has('person.nationalInsuranceNumber') && from.nationalInsuranceNumber !== undefined) {
    person.nationalInsuranceNumber = from.nationalInsuranceNumber;
  }
  if (has('person.email') && from.email !== undefined) person.email = from.email;
  if (Object.keys(person).length > 0) data.person = person;

  if (has('previousAddress')) data.previousAddress = copyAddress(change.previousAddress);
  if (has('newAddress')) data.newAddress = copyAddress(change.newAddress);
  if (has('movedOn')) data.movedOn = change.movedOn;
  return data;
}

/**
 * The fields one notification may carry now: those the department was entitled to when the
 * citizen consented (the snapshot stored on the notification), less any it has lost since.
 * Widening a department's fields later never reveals more of an earlier submission. A
 * notification stored without a snapshot carries no personal field at all.
 */
export function fieldsToServe(
  consented: readonly EntitleableField[] | undefined,
  current: readonly EntitleableField[],
): EntitleableField[] {
  const now = new Set<string>(current);
  return (consented ?? []).filter((field) => now.has(field));
}

/**
 * The one builder of what a department is given about one submission, whatever the channel
 * (webhook, redelivery, listing, feed, web page): the consented snapshot intersected with the
 * department's current fields.
 */
export function notificationData(
  change: ChangeOfAddress,
  consent: { readonly consentedFields: readonly EntitleableField[] | undefined; readonly currentFields: readonly EntitleableField[] },
): EntitledData {
  return selectEntitledFields(change, fieldsToServe(consent.consentedFields, consent.currentFields));
}

// Copies the known address lines only, so the payload shares no object with the submission.
function copyAddress(address: Address): Address {
  return {
    line1: address.line1,
    ...(address.line2 !== undefined ? { line2: address.line2 } : {}),
    town: address.town,
    postcode: address.postcode,
  };
}
