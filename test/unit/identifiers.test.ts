import fc from 'fast-check';
import {
  isNotificationId,
  isSubmissionId,
  notificationIdFor,
  referenceFor,
  requestFingerprint,
  submissionIdFor,
} from '../../lambdas/domain/identifiers';

describe('submissionIdFor', () => {
  it('is the same for a retried request, so retries converge on one submission', () => {
    expect(submissionIdFor('citizen-123', 'key-1')).toBe(submissionIdFor('citizen-123', 'key-1'));
  });

  it('is sub_ followed by 26 lower-case Crockford base32 characters', () => {
    expect(submissionIdFor('citizen-123', 'key-1')).toMatch(/^sub_[0-9abcdefghjkmnpqrstvwxyz]{26}$/);
  });

  it('differs for another citizen using the same key, and cannot be confused by the separator', () => {
    expect(submissionIdFor('citizen-1', 'key')).not.toBe(submissionIdFor('citizen-2', 'key'));
    expect(submissionIdFor('a', 'b|c')).not.toBe(submissionIdFor('a|b', 'c'));
    expect(submissionIdFor('a', '')).not.toBe(submissionIdFor('', 'a'));
  });

  it('property: distinct (citizen, key) pairs give distinct ids', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (c1, k1, c2, k2) => {
        fc.pre(c1 !== c2 || k1 !== k2);
        expect(submissionIdFor(c1, k1)).not.toBe(submissionIdFor(c2, k2));
      }),
    );
  });
});

describe('notificationIdFor', () => {
  const submission = submissionIdFor('citizen-123', 'key-1');

  it('is stable per submission and department, so a department always sees the same webhook-id', () => {
    expect(notificationIdFor(submission, 'hmrc')).toBe(notificationIdFor(submission, 'hmrc'));
    expect(notificationIdFor(submission, 'hmrc')).toMatch(/^ntf_[0-9abcdefghjkmnpqrstvwxyz]{26}$/);
    expect(notificationIdFor(submission, 'hmrc')).not.toBe(notificationIdFor(submission, 'dvla'));
    expect(notificationIdFor(submission, 'hmrc')).not.toBe(notificationIdFor(submissionIdFor('citizen-123', 'key-2'), 'hmrc'));
  });

  it('never shares its hash with a submission id made from the same strings', () => {
    expect(notificationIdFor('x', 'y').slice(4)).not.toBe(submissionIdFor('x', 'y').slice(4));
  });
});

describe('referenceFor', () => {
  it('is short, readable and free of easily confused letters', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        expect(referenceFor(id)).toMatch(/^TUO-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}$/);
      }),
    );
  });

  it('is the same every time for a submission, and differs between submissions', () => {
    const a = submissionIdFor('citizen-123', 'key-1');
    const b = submissionIdFor('citizen-123', 'key-2');
    expect(referenceFor(a)).toBe(referenceFor(a));
    expect(referenceFor(a)).not.toBe(referenceFor(b));
  });
});

describe('requestFingerprint', () => {
  it('ignores the order of keys at any depth', () => {
    expect(requestFingerprint({ a: 1, b: { c: [1, { d: 2, e: 3 }], f: 'x' } })).toBe(
      requestFingerprint({ b: { f: 'x', c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });

  it('notices any change of value, and the order of array items', () => {
    const body = { type: 'address.changed', departments: ['hmrc', 'dvla'] };
    expect(requestFingerprint(body)).not.toBe(requestFingerprint({ ...body, type: 'other' }));
    expect(requestFingerprint(body)).not.toBe(requestFingerprint({ ...body, departments: ['dvla', 'hmrc'] }));
    expect(requestFingerprint({ a: '1' })).not.toBe(requestFingerprint({ a: 1 }));
  });

  it('treats undefined properties as absent, as JSON does', () => {
    expect(requestFingerprint({ a: 1, b: undefined })).toBe(requestFingerprint({ a: 1 }));
  });

  it('is a SHA-256 hex digest', () => {
    expect(requestFingerprint({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('property: a JSON value and any key-shuffled copy share a fingerprint', () => {
    const shuffle = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((v, i) => shuffle(v, seed + i));
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value);
        const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]);
        return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffle(v, seed + 1)]));
      }
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(10), (value, seed) => {
        expect(requestFingerprint(shuffle(value, seed))).toBe(requestFingerprint(value));
      }),
    );
  });
});

describe('isSubmissionId and isNotificationId: what could be an id at all', () => {
  it('accepts every id the service derives', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1, maxLength: 255 }),
        fc.stringMatching(/^[a-z0-9-]{2,40}$/),
        (citizen, key, department) => {
          const submissionId = submissionIdFor(citizen, key);
          expect(isSubmissionId(submissionId)).toBe(true);
          expect(isNotificationId(notificationIdFor(submissionId, department))).toBe(true);
          expect(isNotificationId(submissionId)).toBe(false);
        },
      ),
    );
  });

  it('refuses anything else, so it is answered 404 before any lookup', () => {
    for (const text of [
      '',
      'sub_',
      `sub_${'z'.repeat(5000)}`,
      'sub_0123456789abcdefghjkmnpqrI',
      'SUB_0123456789ABCDEFGHJKMNPQRS',
      'ntf_../../etc',
      `ntf_${'a'.repeat(27)}`,
    ]) {
      expect(isSubmissionId(text)).toBe(false);
      expect(isNotificationId(text)).toBe(false);
    }
  });
});
