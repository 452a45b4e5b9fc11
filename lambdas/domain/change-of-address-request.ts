// The body of POST /v1/submissions (CONTRACT section 5), validated and normalised before
// anything is stored: a citizen learns about every mistake at once, in plain words, and
// departments only ever see clean values (normalised postcode and NINO, trimmed text).
import * as z from 'zod/mini';
import { DEPARTMENT_ID_PATTERN } from './identifiers';
import { normaliseNationalInsuranceNumber } from './national-insurance-number';
import { normalisePostcode } from './postcode';
import { parseWith, type ParseResult } from './problem-details';

export const SUPPORTED_EVENT_TYPES = ['address.changed'] as const;
export type EventType = (typeof SUPPORTED_EVENT_TYPES)[number];

export { DEPARTMENT_ID_PATTERN };
export const MAX_DEPARTMENTS_PER_SUBMISSION = 50;
const EARLIEST_DATE_OF_BIRTH = '1900-01-01';

const required = (message: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? message : undefined),
});

const text = (missing: string, max: number, tooLong: string) =>
  z.string(required(missing)).check(z.trim(), z.minLength(1, missing), z.maxLength(max, tooLong));

/** True when `value` is YYYY-MM-DD and names a day that exists (no 31 April, 29 February only in leap years). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// Dates are compared as YYYY-MM-DD strings, which order correctly; "today" is the UTC date.
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const oneYearAfter = (date: Date) => isoDay(new Date(Date.UTC(date.getUTCFullYear() + 1, date.getUTCMonth(), date.getUTCDate())));

const calendarDate = (what: string, example: string) =>
  z.string(required(`Enter ${what}.`)).check(
    z.trim(),
    z.refine(isCalendarDate, {
      message: `Enter ${what} as a real date in the format YYYY-MM-DD, for example ${example}.`,
      abort: true, // later date rules would only add noise about a date that does not exist
    }),
  );

const address = (which: 'previous' | 'new') =>
  z.pipe(
    z.strictObject(
      {
        line1: text(
          `Enter the first line of your ${which} address.`,
          200,
          `The first line of your ${which} address must be 200 characters or fewer.`,
        ),
        line2: z.optional(
          z.string().check(z.trim(), z.maxLength(200, `The second line of your ${which} address must be 200 characters or fewer.`)),
        ),
        town: text(
          `Enter the town or city of your ${which} address.`,
          100,
          `The town or city of your ${which} address must be 100 characters or fewer.`,
        ),
        postcode: z.pipe(
          z
            .string(required(`Enter the postcode of your ${which} address.`))
            .check(
              z.refine((value) => normalisePostcode(value) !== null, `Enter a real UK postcode for your ${which} address, like LS1 1AA.`),
            ),
          z.transform((value: string) => normalisePostcode(value)!),
        ),
      },
      required(`Enter your ${which} address.`),
    ),
    // An empty second line means "none": drop it rather than send departments an empty string.
    z.transform(({ line2, ...rest }) => (line2 ? { line1: rest.line1, line2, town: rest.town, postcode: rest.postcode } : rest)),
  );

/** The parts of a change of address, each validated and normalised on its own (corrections replace them one by one). */
export function makeChangeOfAddressParts(now: () => Date) {
  return {
    person: z.strictObject(
      {
        givenName: text('Enter your first name.', 100, 'Your first name must be 100 characters or fewer.'),
        familyName: text('Enter your last name.', 100, 'Your last name must be 100 characters or fewer.'),
        dateOfBirth: calendarDate('your date of birth', '1985-12-10').check(
          z.superRefine((value, ctx) => {
            if (value < EARLIEST_DATE_OF_BIRTH)
              ctx.addIssue({ code: 'custom', message: 'Your date of birth must be on or after 1 January 1900.' });
            else if (value >= isoDay(now())) ctx.addIssue({ code: 'custom', message: 'Your date of birth must be in the past.' });
          }),
        ),
        nationalInsuranceNumber: z.optional(
          z.pipe(
            z
              .string()
              .check(
                z.refine(
                  (value) => normaliseNationalInsuranceNumber(value) !== null,
                  'Enter a National Insurance number in the correct format, like QQ 12 34 56 C.',
                ),
              ),
            z.transform((value: string) => normaliseNationalInsuranceNumber(value)!),
          ),
        ),
        email: z.optional(
          z.pipe(
            z.string().check(z.trim()),
            z
              .email('Enter an email address in the correct format, like name@example.com.')
              .check(z.maxLength(254, 'Your email address must be 254 characters or fewer.')),
          ),
        ),
      },
      required('Enter your personal details.'),
    ),
    previousAddress: address('previous'),
    newAddress: address('new'),
    movedOn: calendarDate('the date you moved', '2026-11-20').check(
      z.refine((value) => value <= oneYearAfter(now()), 'The date you moved must be no more than a year from today.'),
    ),
  };
}

/** The rule across parts: nobody moves before they are born. */
export const MOVED_BEFORE_BIRTH = 'The date you moved must be on or after your date of birth.';

/** Builds the schema against a clock, so date rules ("in the past", "within a year") are testable. */
export function makeChangeOfAddressRequestSchema(now: () => Date) {
  return z
    .strictObject({
      type: z.enum(SUPPORTED_EVENT_TYPES, {
        error: (issue) =>
          issue.input === undefined ? 'Enter the type of change, "address.changed".' : 'The type of change must be "address.changed".',
      }),
      ...makeChangeOfAddressParts(now),
      departments: z
        .array(
          z
            .string()
            .check(
              z.regex(DEPARTMENT_ID_PATTERN, 'This is not a department identifier: use 2 to 40 lower-case letters, digits or hyphens.'),
            ),
          required('Choose at least one department to tell.'),
        )
        .check(
          z.minLength(1, 'Choose at least one department to tell.'),
          z.maxLength(MAX_DEPARTMENTS_PER_SUBMISSION, `Choose no more than ${MAX_DEPARTMENTS_PER_SUBMISSION} departments.`),
          z.superRefine(rejectDuplicates('You have chosen this department more than once.')),
        ),
    })
    .check(
      z.superRefine(
        (request, ctx) => {
          const dateOfBirth = request?.person?.dateOfBirth;
          if (typeof dateOfBirth === 'string' && typeof request.movedOn === 'string' && request.movedOn < dateOfBirth) {
            ctx.addIssue({ code: 'custom', path: ['movedOn'], message: MOVED_BEFORE_BIRTH });
          }
        },
        // Runs even when other fields are wrong, but only when both dates are themselves valid.
        { when: ({ issues }) => !issues.some((issue) => blocksDateComparison(issue.path ?? [])) },
      ),
    );
}

function blocksDateComparison(path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false; // unknown top-level keys: the dates are still usable
  if (path[0] === 'movedOn') return true;
  return path[0] === 'person' && (path.length === 1 || path[1] === 'dateOfBirth');
}

/** A refinement for lists that must not repeat: each later copy gets an issue at its own index. */
export function rejectDuplicates<T>(message: string) {
  return (values: readonly T[], ctx: z.core.$RefinementCtx<T[]>) => {
    const seen = new Set<T>();
    values.forEach((value, index) => {
      if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [index], message });
      seen.add(value);
    });
  };
}

export const changeOfAddressRequestSchema = makeChangeOfAddressRequestSchema(() => new Date());
export type ChangeOfAddressRequest = z.output<typeof changeOfAddressRequestSchema>;

/** Validates and normalises a submission body; `schema` is replaceable for a fixed clock in tests. */
export function parseChangeOfAddressRequest(
  body: unknown,
  schema: ReturnType<typeof makeChangeOfAddressRequestSchema> = changeOfAddressRequestSchema,
): ParseResult<ChangeOfAddressRequest> {
  return parseWith(schema, body);
}
