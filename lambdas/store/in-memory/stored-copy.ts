/**
 * What a table holds is a copy: a caller changing a record it was given changes nothing stored, and
 * attributes left undefined are not stored (as the DynamoDB client's `removeUndefinedValues`).
 * Records are plain JSON data, so a JSON round trip is that copy.
 */
export function storedCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The error DynamoDB throws for a failed condition, where its adapter lets that error through. */
export function conditionFailure(what: string): Error {
  const error = new Error(`The conditional request failed (${what})`);
  error.name = 'ConditionalCheckFailedException';
  return error;
}

/** A position in a sorted listing as an opaque cursor, and back (`undefined` when it is not one of `shape`). */
export const positionCursor = {
  encode: (position: string) => Buffer.from(position).toString('base64url'),
  decode: (cursor: string, shape: RegExp): string | undefined => {
    const position = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
    return shape.test(position) ? position : undefined;
  },
};
