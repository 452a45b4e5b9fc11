// The body of PUT /v1/departments/{id} (CONTRACT section 4). Whether the webhook URL is an
// acceptable target (https, not private or metadata) is policy and lives in
// webhook-target-policy.ts; here it only has to be an http(s) URL.
import * as z from 'zod/mini';
import { DEPARTMENT_ID_PATTERN, SUPPORTED_EVENT_TYPES, rejectDuplicates } from './change-of-address-request';
import { departmentAdapterSchema, entitlementNeededFor } from './department-adapter';
import { ENTITLEABLE_FIELDS } from './entitlement';
import { parseWith, type ParseResult } from './problem-details';

/** How a department is told: pushed signed webhooks, or it collects from its feed. */
export const DELIVERY_CHANNELS = ['push', 'pull'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const DEFAULT_CONFIRMATION_TIMEOUT_SECONDS = 604_800; // 7 days
/**
 * 180 days (CONTRACT section 4): a Standard execution lasts at most a year, so the wait plus the whole
 * delivery schedule (at least 72 hours) always fit in one execution.
 */
export const MAX_CONFIRMATION_TIMEOUT_SECONDS = 15_552_000;

export const departmentIdSchema = z
  .string()
  .check(z.regex(DEPARTMENT_ID_PATTERN, 'A department id is 2 to 40 characters: lower-case letters, digits and hyphens.'));

export const departmentConfigurationSchema = z
  .strictObject({
    name: z
      .string()
      .check(z.trim(), z.minLength(1, 'Enter the department name.'), z.maxLength(200, 'The name must be 200 characters or fewer.')),
    description: z._default(z.string().check(z.trim(), z.maxLength(1000, 'The description must be 1000 characters or fewer.')), ''),
    /** Where pushes go; a pull department (CONTRACT section 8) needs none. */
    webhookUrl: z.optional(
      z.pipe(
        z.string().check(z.maxLength(2048, 'The webhook URL must be 2048 characters or fewer.')),
        z.url({ protocol: /^https?$/, error: 'Enter the webhook URL as an absolute https URL.' }),
      ),
    ),
    delivery: z._default(z.enum(DELIVERY_CHANNELS, { error: 'delivery is push or pull.' }), 'push'),
    rateLimitPerSecond: z.optional(
      z
        .number()
        .check(
          z.int('rateLimitPerSecond must be a whole number.'),
          z.minimum(1, 'rateLimitPerSecond must be at least 1.'),
          z.maximum(1000, 'rateLimitPerSecond must be at most 1000.'),
        ),
    ),
    events: z
      .array(z.enum(SUPPORTED_EVENT_TYPES))
      .check(
        z.minLength(1, 'Subscribe to at least one event type.'),
        z.superRefine(rejectDuplicates('This event type is listed more than once.')),
      ),
    fields: z
      .array(z.enum(ENTITLEABLE_FIELDS))
      .check(
        z.minLength(1, 'List at least one field the department is entitled to receive.'),
        z.superRefine(rejectDuplicates('This field is listed more than once.')),
      ),
    // A missing object gets the same defaults as an empty one.
    confirmation: z.prefault(
      z.strictObject({
        required: z._default(z.boolean(), true),
        timeoutSeconds: z._default(
          z
            .number()
            .check(
              z.int('The confirmation timeout must be a whole number of seconds.'),
              z.minimum(1, 'The confirmation timeout must be at least 1 second.'),
              z.maximum(
                MAX_CONFIRMATION_TIMEOUT_SECONDS,
                `The confirmation timeout must be at most ${MAX_CONFIRMATION_TIMEOUT_SECONDS} seconds (180 days).`,
              ),
            ),
          DEFAULT_CONFIRMATION_TIMEOUT_SECONDS,
        ),
      }),
      {},
    ),
    adapter: z._default(departmentAdapterSchema, { type: 'standard-webhooks' }),
    /** An operator's pause: not choosable, not listed, every API key refused (CONTRACT section 4). */
    suspended: z._default(z.boolean(), false),
  })
  .check(
    z.superRefine((configuration, context) => {
      if (configuration.delivery === 'push' && configuration.webhookUrl === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['webhookUrl'],
          message: 'Enter the webhook URL: a push department needs one (or choose "delivery": "pull").',
        });
      }
      // A mapping may only carry what the department is entitled to receive.
      if (configuration.adapter.type !== 'field-mapping') return;
      configuration.adapter.fields.forEach((field, index) => {
        const needed = entitlementNeededFor(field.from);
        if (needed && !configuration.fields.includes(needed)) {
          context.addIssue({
            code: 'custom',
            path: ['adapter', 'fields', index, 'from'],
            message: `${field.from} needs the department to be entitled to ${needed}.`,
          });
        }
      });
    }),
  );

export type DepartmentConfiguration = z.output<typeof departmentConfigurationSchema>;

/**
 * Whether a department takes part: not disabled (its endpoint answered 410) and not suspended.
 * Only an active department can be chosen, is listed, is sent to, and may use its API keys.
 */
export function isActiveDepartment(department: { readonly active: boolean; readonly suspended?: boolean }): boolean {
  return department.active && department.suspended !== true;
}

export function parseDepartmentConfiguration(body: unknown): ParseResult<DepartmentConfiguration> {
  return parseWith(departmentConfigurationSchema, body);
}
