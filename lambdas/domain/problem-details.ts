// RFC 9457 problem details: every 4xx/5xx answer has this shape (CONTRACT section 2), and a
// rule a field breaks is reported with a JSON Pointer into the request body.
import * as z from 'zod/mini';
import '../english-validation-messages';

export interface FieldError {
  pointer: string;
  detail: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** Result of parsing a request body: the normalised value, or what is wrong with each field. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

// Reason phrases from RFC 9110 (and 6585 for 428/429/431).
const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'Unknown Status');
}

/**
 * A problem whose meaning is its HTTP status, so per RFC 9457 section 4.2.1 the type is
 * "about:blank" and the title is the status's reason phrase; `detail` says what happened.
 */
export function problem(status: number, detail: string, errors?: FieldError[]): ProblemDetails {
  const body: ProblemDetails = { type: 'about:blank', title: reasonPhrase(status), status, detail };
  if (errors !== undefined) body.errors = errors;
  return body;
}

/** RFC 6901 JSON Pointer for a path into the request body ("" is the whole body). */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** One field error per zod issue; an unknown key gets its own error pointing at that key. */
export function fieldErrorsFromZod(error: z.core.$ZodError): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ pointer: jsonPointer([...issue.path, key]), detail: `"${key}" is not a field this request accepts. Remove it.` });
      }
    } else {
      errors.push({ pointer: jsonPointer(issue.path), detail: issue.message });
    }
  }
  return errors;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

// Plain-English defaults for issues a schema did not word itself (zod's own read like a stack trace).
const citizenErrorMap = (issue: z.core.$ZodRawIssue): string | undefined => {
  const atRoot = !issue.path || issue.path.length === 0;
  switch (issue.code) {
    case 'invalid_type':
      if (atRoot) return 'The request body must be a JSON object.';
      if (issue.input === undefined) return 'This field is required.';
      return `This must be ${EXPECTED[issue.expected] ?? issue.expected}.`;
    case 'invalid_value':
      return `This must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'This must not be empty.' : `This must be at least ${issue.minimum} characters.`;
      if (issue.origin === 'array') return `Give at least ${issue.minimum}.`;
      return `This must be at least ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `This must be ${issue.maximum} characters or fewer.`;
      if (issue.origin === 'array') return `Give no more than ${issue.maximum}.`;
      return `This must be at most ${issue.maximum}.`;
    default:
      return undefined;
  }
};

/** Parses with citizen-friendly default messages and converts failures to field errors. */
export function parseWith<S extends z.core.$ZodType>(schema: S, body: unknown): ParseResult<z.output<S>> {
  const result = z.safeParse(schema, body, { error: citizenErrorMap });
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsFromZod(result.error) };
}
