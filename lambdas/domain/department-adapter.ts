import * as z from 'zod/mini';
import type { EntitleableField } from './entitlement';
import type { NotificationEvent } from './notification-event';

/**
 * How a department wants to be told: the canonical event as Standard Webhooks JSON (the default),
 * or a declarative field mapping for a legacy system that expects its own flat names and formats.
 * Either way the request is built from the event, which holds only the entitled fields, and is
 * signed and sent the same way.
 */
const ADDRESS_PARTS = ['line1', 'line2', 'town', 'postcode'] as const;
export const MAPPABLE_SOURCES = [
  'type',
  'timestamp',
  'notificationId',
  'reference',
  'confirmationUrl',
  'corrects',
  'withdraws',
  'person.givenName',
  'person.familyName',
  'person.dateOfBirth',
  'person.nationalInsuranceNumber',
  'person.email',
  ...ADDRESS_PARTS.map((part) => `previousAddress.${part}` as const),
  ...ADDRESS_PARTS.map((part) => `newAddress.${part}` as const),
  'movedOn',
] as const;
export type MappableSource = (typeof MAPPABLE_SOURCES)[number];

export const FIELD_FORMATS = ['as-is', 'upper-case', 'lower-case', 'dd/mm/yyyy'] as const;

export const departmentAdapterSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('standard-webhooks') }),
    z.strictObject({
      type: z.literal('field-mapping'),
      fields: z
        .array(
          z.strictObject({
            name: z
              .string()
              .check(
                z.regex(
                  /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
                  'A field name is 1 to 64 letters, digits or underscores, not starting with a digit.',
                ),
              ),
            from: z.enum(MAPPABLE_SOURCES, { error: `Map from one of: ${MAPPABLE_SOURCES.join(', ')}.` }),
            format: z._default(z.enum(FIELD_FORMATS), 'as-is'),
          }),
        )
        .check(z.minLength(1, 'Map at least one field.'), z.maxLength(60, 'Map at most 60 fields.')),
    }),
  ],
  { error: 'The adapter type is standard-webhooks or field-mapping.' },
);

export type DepartmentAdapter = z.output<typeof departmentAdapterSchema>;

/** The entitlement a mapped source needs, or none for the notification's own metadata. */
export function entitlementNeededFor(source: MappableSource): EntitleableField | undefined {
  if (source.startsWith('person.') || source === 'movedOn') return source as EntitleableField;
  if (source.startsWith('previousAddress.')) return 'previousAddress';
  if (source.startsWith('newAddress.')) return 'newAddress';
  return undefined;
}

function formatValue(value: string, format: (typeof FIELD_FORMATS)[number]): string {
  switch (format) {
    case 'upper-case':
      return value.toUpperCase();
    case 'lower-case':
      return value.toLowerCase();
    case 'dd/mm/yyyy': {
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
      return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
    }
    case 'as-is':
      return value;
  }
}

function sourceValue(event: NotificationEvent, source: MappableSource): unknown {
  if (source === 'type' || source === 'timestamp') return event[source];
  return source.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event.data);
}

/** The request body the department receives. */
export function renderForDepartment(event: NotificationEvent, adapter: DepartmentAdapter | undefined): string {
  if (!adapter || adapter.type === 'standard-webhooks') return JSON.stringify(event);
  const body: Record<string, string> = {};
  for (const field of adapter.fields) {
    const value = sourceValue(event, field.from);
    if (typeof value === 'string') body[field.name] = formatValue(value, field.format);
  }
  return JSON.stringify(body);
}
