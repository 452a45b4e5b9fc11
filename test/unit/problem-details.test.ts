import { z } from 'zod';
import { fieldErrorsFromZod, jsonPointer, parseWith, problem } from '../../lambdas/domain/problem-details';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return fieldErrorsFromZod(result.error);
};

describe('problem', () => {
  it('builds an RFC 9457 body whose title is the reason phrase of the status', () => {
    expect(problem(404, 'There is no submission with that id.')).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'There is no submission with that id.',
    });
    expect(problem(422, 'Check the fields.', [{ pointer: '/movedOn', detail: 'Enter a date.' }])).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Check the fields.',
      errors: [{ pointer: '/movedOn', detail: 'Enter a date.' }],
    });
  });

  it.each([
    [400, 'Bad Request'],
    [401, 'Unauthorized'],
    [405, 'Method Not Allowed'],
    [409, 'Conflict'],
    [413, 'Content Too Large'],
    [415, 'Unsupported Media Type'],
    [429, 'Too Many Requests'],
    [500, 'Internal Server Error'],
    [503, 'Service Unavailable'],
  ])('titles %i as %j', (status, title) => {
    expect(problem(status, 'x').title).toBe(title);
  });

  it('leaves out errors when there are none', () => {
    expect(problem(400, 'The body is not valid JSON.')).not.toHaveProperty('errors');
  });
});

describe('jsonPointer', () => {
  it('escapes ~ and / as RFC 6901 says, and writes indices as numbers', () => {
    expect(jsonPointer([])).toBe('');
    expect(jsonPointer(['newAddress', 'postcode'])).toBe('/newAddress/postcode');
    expect(jsonPointer(['departments', 2])).toBe('/departments/2');
    expect(jsonPointer(['a/b', 'c~d', ''])).toBe('/a~1b/c~0d/');
  });
});

describe('fieldErrorsFromZod', () => {
  const schema = z.strictObject({
    newAddress: z.strictObject({ postcode: z.string().min(1, 'Enter a postcode.') }),
    departments: z.array(z.string().min(2, 'Too short.')),
  });

  it('points at the field at fault', () => {
    expect(issuesOf(schema, { newAddress: { postcode: '' }, departments: ['ok', 'x'] })).toEqual([
      { pointer: '/newAddress/postcode', detail: 'Enter a postcode.' },
      { pointer: '/departments/1', detail: 'Too short.' },
    ]);
  });

  it('points at a missing required field itself', () => {
    expect(issuesOf(schema, { departments: [] }).map((e) => e.pointer)).toEqual(['/newAddress']);
  });

  it('points at each unknown key, escaped', () => {
    expect(issuesOf(schema, { newAddress: { postcode: 'x', 'a/b': 1, c: 2 }, departments: [] })).toEqual([
      { pointer: '/newAddress/a~1b', detail: expect.stringContaining('"a/b"') },
      { pointer: '/newAddress/c', detail: expect.stringContaining('"c"') },
    ]);
  });
});

describe('parseWith', () => {
  const schema = z.strictObject({ name: z.string(), count: z.number(), tags: z.array(z.string()).min(1), on: z.boolean() });

  it('returns the parsed value', () => {
    expect(parseWith(schema, { name: 'a', count: 1, tags: ['t'], on: true })).toEqual({
      ok: true,
      value: { name: 'a', count: 1, tags: ['t'], on: true },
    });
  });

  it('words default messages for people, not programmers', () => {
    const result = parseWith(schema, { count: 'one', tags: [], on: 'yes' });
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/name', detail: 'This field is required.' },
        { pointer: '/count', detail: 'This must be a number.' },
        { pointer: '/tags', detail: 'Give at least 1.' },
        { pointer: '/on', detail: 'This must be true or false.' },
      ],
    });
  });

  it('says so when the body is not an object', () => {
    expect(parseWith(schema, [1, 2])).toEqual({ ok: false, errors: [{ pointer: '', detail: 'The request body must be a JSON object.' }] });
  });
});
