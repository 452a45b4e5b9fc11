import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { fieldErrorsFromZod } from '../domain/problem-details';
import { HttpProblem } from './http-responses';

/** CONTRACT section 2: larger bodies answer 413. */
export const MAX_BODY_BYTES = 64 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * The request body as JSON, or an HttpProblem: 415 for another content type, 413 above 64 KiB,
 * 400 for malformed JSON. Schema rules (422) are the caller's.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  const contentType = header(event, 'content-type');
  const mediaType = contentType?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json' && !mediaType?.match(/^application\/[a-z0-9.+-]*\+json$/)) {
    throw HttpProblem.of(415, 'Send the request body as JSON, with Content-Type: application/json.');
  }
  const raw =
    event.body === undefined || event.body === null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw HttpProblem.of(413, `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw HttpProblem.of(400, 'The request body is not valid JSON.');
  }
}

/** The query string parsed by `schema`, or an HttpProblem: 400 naming each parameter to correct. */
export function readQuery<T>(event: APIGatewayProxyEventV2, schema: z.ZodMiniType<T>): T {
  const query = schema.safeParse(event.queryStringParameters ?? {});
  if (query.success) return query.data;
  throw HttpProblem.of(
    400,
    'The query needs correcting.',
    fieldErrorsFromZod(query.error).map((e) => ({ ...e, parameter: e.pointer.slice(1) })),
  );
}

/** A query parameter that is a whole number from `min` to `max`, with the message naming it. */
export function wholeNumberParameter(name: string, min: number, max: number) {
  const message = `${name} is a whole number from ${min} to ${max}.`;
  return z.coerce.number({ error: message }).check(z.int(message), z.minimum(min, message), z.maximum(max, message));
}
