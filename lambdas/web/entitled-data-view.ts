// What a department receives, as rows a person can read: rendered from the same EntitledData the
// webhook payload is built from, so the preview, the page and the delivery cannot disagree.
import { ENTITLEABLE_FIELDS, type EntitleableField, type EntitledData } from '../domain/entitlement';
import type { Address } from '../domain/submission';
import { FIELD_LABELS } from './citizen-journey';

export const formatDate = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

export const addressLines = (a: Address) => [a.line1, a.line2, a.town, a.postcode].filter(Boolean).join('\n');

function valueOf(data: EntitledData, field: EntitleableField): string | undefined {
  switch (field) {
    case 'person.givenName':
      return data.person?.givenName;
    case 'person.familyName':
      return data.person?.familyName;
    case 'person.dateOfBirth':
      return data.person?.dateOfBirth && formatDate(data.person.dateOfBirth);
    case 'person.nationalInsuranceNumber':
      return data.person?.nationalInsuranceNumber;
    case 'person.email':
      return data.person?.email;
    case 'previousAddress':
      return data.previousAddress && addressLines(data.previousAddress);
    case 'newAddress':
      return data.newAddress && addressLines(data.newAddress);
    case 'movedOn':
      return data.movedOn && formatDate(data.movedOn);
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A GOV.UK summary list row; line breaks in the value are kept, everything else escaped. */
export function summaryRow(key: string, value: string, href?: string, hidden?: string) {
  return {
    key: { text: key },
    value: { html: value.split('\n').map(escapeHtml).join('<br>') },
    ...(href ? { actions: { items: [{ href, text: 'Change', visuallyHiddenText: hidden ?? key.toLowerCase() }] } } : {}),
  };
}

/** One summary row per field the data holds (optional ones the citizen left out are not sent). */
export function entitledDataRows(data: EntitledData) {
  return ENTITLEABLE_FIELDS.map((f) => [FIELD_LABELS[f], valueOf(data, f)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([label, text]) => summaryRow(label, text));
}
