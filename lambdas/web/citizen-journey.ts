// The citizen's journey as one question per page. Each page validates with the very schema the
// API uses (parseChangeOfAddressRequest), on the whole request built from the answers so far,
// keeping only the errors that point into that page's fields: no rule is written twice.
import { parseChangeOfAddressRequest, type ChangeOfAddressRequest } from '../domain/change-of-address-request';
import type { EntitleableField } from '../domain/entitlement';
import type { FieldError } from '../domain/problem-details';
import type { JourneyAnswers } from '../store/journey-repository';

export type StepKind = 'name' | 'date' | 'text' | 'address' | 'departments';

export interface JourneyStep {
  readonly slug: string;
  readonly kind: StepKind;
  /** The page's question (its h1 or legend). */
  readonly question: string;
  /** The form field name(s) the page owns; for dates and addresses, the prefix. */
  readonly field: string;
  /** JSON Pointers (prefixes) into the request this page answers. */
  readonly pointers: readonly string[];
  readonly hint?: string;
  readonly optional?: boolean;
  readonly inputType?: 'email' | 'text';
  readonly autocomplete?: string;
}

export const JOURNEY_STEPS: readonly JourneyStep[] = [
  { slug: 'name', kind: 'name', question: 'What is your name?', field: 'name', pointers: ['/person/givenName', '/person/familyName'] },
  {
    slug: 'date-of-birth',
    kind: 'date',
    question: 'What is your date of birth?',
    field: 'dateOfBirth',
    pointers: ['/person/dateOfBirth'],
    hint: 'For example, 27 3 1985',
    autocomplete: 'bday',
  },
  {
    slug: 'national-insurance-number',
    kind: 'text',
    question: 'What is your National Insurance number? (optional)',
    field: 'nationalInsuranceNumber',
    pointers: ['/person/nationalInsuranceNumber'],
    hint: 'It’s on your National Insurance card, benefit letter, payslip or P60. For example, ‘QQ 12 34 56 C’. Leave it empty if you do not know it.',
    optional: true,
  },
  {
    slug: 'email',
    kind: 'text',
    question: 'What is your email address? (optional)',
    field: 'email',
    pointers: ['/person/email'],
    hint: 'Only departments entitled to it receive it. Leave it empty if you would rather not give it.',
    optional: true,
    inputType: 'email',
    autocomplete: 'email',
  },
  {
    slug: 'previous-address',
    kind: 'address',
    question: 'What was your previous address?',
    field: 'previousAddress',
    pointers: ['/previousAddress'],
  },
  { slug: 'new-address', kind: 'address', question: 'What is your new address?', field: 'newAddress', pointers: ['/newAddress'] },
  {
    slug: 'moved-on',
    kind: 'date',
    question: 'When did you move?',
    field: 'movedOn',
    pointers: ['/movedOn'],
    hint: 'For example, 20 11 2026',
  },
  {
    slug: 'departments',
    kind: 'departments',
    question: 'Which departments should we tell?',
    field: 'departments',
    pointers: ['/departments'],
    hint: 'Select all that apply. Each one receives only the details listed under it.',
  },
];

export const ADDRESS_PARTS = ['line1', 'line2', 'town', 'postcode'] as const;
export const DATE_PARTS = ['day', 'month', 'year'] as const;

export function stepBySlug(slug: string): JourneyStep | undefined {
  return JOURNEY_STEPS.find((s) => s.slug === slug);
}

export function nextStep(step: JourneyStep): JourneyStep | undefined {
  return JOURNEY_STEPS[JOURNEY_STEPS.indexOf(step) + 1];
}

export function previousStep(step: JourneyStep): JourneyStep | undefined {
  return JOURNEY_STEPS[JOURNEY_STEPS.indexOf(step) - 1];
}

/** The form field names a step reads from a posted form. */
export function formFieldsOf(step: JourneyStep): string[] {
  switch (step.kind) {
    case 'name':
      return ['givenName', 'familyName'];
    case 'date':
      return DATE_PARTS.map((p) => `${step.field}-${p}`);
    case 'address':
      return ADDRESS_PARTS.map((p) => `${step.field}-${p}`);
    default:
      return [step.field];
  }
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';
const optionalText = (value: string | string[] | undefined) => single(value).trim() || undefined;

/** Day, month and year inputs as YYYY-MM-DD (the schema judges it); all empty is no answer. */
function dateFrom(answers: JourneyAnswers, field: string): string | undefined {
  const [day, month, year] = DATE_PARTS.map((p) => single(answers[`${field}-${p}`]).trim());
  if (!day && !month && !year) return undefined;
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

function addressFrom(answers: JourneyAnswers, field: string) {
  const [line1, line2, town, postcode] = ADDRESS_PARTS.map((p) => single(answers[`${field}-${p}`]));
  if (!line1 && !line2 && !town && !postcode) return undefined;
  return { line1, line2, town, postcode };
}

/** The body of POST /v1/submissions these answers make; unanswered questions are left out. */
export function requestBodyFrom(answers: JourneyAnswers): Record<string, unknown> {
  const departments = answers.departments;
  const body = {
    type: 'address.changed',
    person: {
      givenName: single(answers.givenName),
      familyName: single(answers.familyName),
      dateOfBirth: dateFrom(answers, 'dateOfBirth'),
      nationalInsuranceNumber: optionalText(answers.nationalInsuranceNumber),
      email: optionalText(answers.email),
    },
    previousAddress: addressFrom(answers, 'previousAddress'),
    newAddress: addressFrom(answers, 'newAddress'),
    movedOn: dateFrom(answers, 'movedOn'),
    departments: departments === undefined ? undefined : Array.isArray(departments) ? departments : [departments],
  };
  // A JSON copy drops the unanswered (undefined) fields, as they would be absent from a JSON body.
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}

/** The id of the input an error message belongs to (the first input of a date or a group). */
export function inputIdForPointer(pointer: string): string {
  const [, top, part] = pointer.split('/');
  switch (top) {
    case 'person':
      return part === 'dateOfBirth' ? 'dateOfBirth-day' : (part ?? 'givenName');
    case 'previousAddress':
    case 'newAddress':
      return `${top}-${ADDRESS_PARTS.includes(part as never) ? part : 'line1'}`;
    case 'movedOn':
      return 'movedOn-day';
    case 'departments':
      return 'departments';
    default:
      return 'main-content';
  }
}

export interface PageError {
  /** The input the message belongs to; the error summary links to it. */
  readonly inputId: string;
  readonly text: string;
}

/** One message per input, in the order the schema reports them. */
export function pageErrors(errors: readonly FieldError[]): PageError[] {
  const byInput = new Map<string, string>();
  for (const { pointer, detail } of errors) {
    const inputId = inputIdForPointer(pointer);
    if (!byInput.has(inputId)) byInput.set(inputId, detail);
  }
  return [...byInput].map(([inputId, text]) => ({ inputId, text }));
}

/** What is wrong with this step's answers, judged by the API's schema. */
export function validateStep(step: JourneyStep, answers: JourneyAnswers): PageError[] {
  const parsed = parseChangeOfAddressRequest(requestBodyFrom(answers));
  if (parsed.ok) return [];
  const mine = parsed.errors.filter((e) => step.pointers.some((p) => e.pointer === p || e.pointer.startsWith(`${p}/`)));
  return pageErrors(mine);
}

/** The first step with something to correct, for a check-answers page reached too early. */
export function firstStepWithErrors(errors: readonly FieldError[]): JourneyStep | undefined {
  return JOURNEY_STEPS.find((step) => errors.some((e) => step.pointers.some((p) => e.pointer === p || e.pointer.startsWith(`${p}/`))));
}

export function validateJourney(
  answers: JourneyAnswers,
): { ok: true; value: ChangeOfAddressRequest; body: Record<string, unknown> } | { ok: false; errors: FieldError[] } {
  const body = requestBodyFrom(answers);
  const parsed = parseChangeOfAddressRequest(body);
  return parsed.ok ? { ok: true, value: parsed.value, body } : { ok: false, errors: parsed.errors };
}

/** Plain words for each field a department may receive, for the consent preview. */
export const FIELD_LABELS: Readonly<Record<EntitleableField, string>> = {
  'person.givenName': 'First name',
  'person.familyName': 'Last name',
  'person.dateOfBirth': 'Date of birth',
  'person.nationalInsuranceNumber': 'National Insurance number',
  'person.email': 'Email address',
  previousAddress: 'Previous address',
  newAddress: 'New address',
  movedOn: 'Date you moved',
};
