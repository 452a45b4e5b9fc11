import fc from 'fast-check';
import {
  changeOfAddressRequestSchema,
  isCalendarDate,
  makeChangeOfAddressRequestSchema,
  parseChangeOfAddressRequest,
  SUPPORTED_EVENT_TYPES,
  type ChangeOfAddressRequest,
} from '../../lambdas/domain/change-of-address-request';
import type { ChangeOfAddress } from '../../lambdas/domain/submission';

const today = new Date('2026-01-15T10:00:00Z');
const schema = makeChangeOfAddressRequestSchema(() => today);
const parse = (body: unknown) => parseChangeOfAddressRequest(body, schema);

const valid = () => ({
  type: 'address.changed',
  person: {
    givenName: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    nationalInsuranceNumber: 'AB123456C',
    email: 'ada@example.org',
  },
  previousAddress: { line1: '1 Old Street', line2: '', town: 'Leeds', postcode: 'LS1 1AA' },
  newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
  movedOn: '2026-11-20',
  departments: ['hmrc', 'dvla', 'council-york'],
});

// The pointers (and messages) of a rejected body.
function errorsOf(body: unknown) {
  const result = parse(body);
  if (result.ok) throw new Error('expected the body to be rejected');
  return result.errors;
}
const pointersOf = (body: unknown) => errorsOf(body).map((e) => e.pointer);

describe('change of address request', () => {
  it('accepts the contract example and normalises it', () => {
    const result = parse(valid());
    expect(result).toEqual({
      ok: true,
      value: {
        type: 'address.changed',
        person: {
          givenName: 'Ada',
          familyName: 'Lovelace',
          dateOfBirth: '1985-12-10',
          nationalInsuranceNumber: 'AB123456C',
          email: 'ada@example.org',
        },
        previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
        newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
        movedOn: '2026-11-20',
        departments: ['hmrc', 'dvla', 'council-york'],
      },
    });
    // The output feeds entitlement directly.
    if (result.ok) {
      const change: ChangeOfAddress = result.value;
      expect(change.movedOn).toBe('2026-11-20');
    }
  });

  it('normalises postcodes, the NINO, and surrounding spaces; keeps a real second line', () => {
    const body = valid();
    body.person.givenName = '  Ada ';
    body.person.nationalInsuranceNumber = 'ab 12 34 56 c';
    body.person.email = ' ada@example.org ';
    body.previousAddress = { line1: ' 1 Old Street ', line2: ' Flat 3 ', town: 'Leeds', postcode: 'ls11aa' };
    const result = parse(body);
    expect(result.ok && result.value.person).toMatchObject({
      givenName: 'Ada',
      nationalInsuranceNumber: 'AB123456C',
      email: 'ada@example.org',
    });
    expect(result.ok && result.value.previousAddress).toEqual({
      line1: '1 Old Street',
      line2: 'Flat 3',
      town: 'Leeds',
      postcode: 'LS1 1AA',
    });
  });

  it('drops an empty second address line rather than storing it', () => {
    const result = parse(valid());
    expect(result.ok && result.value.previousAddress).not.toHaveProperty('line2');
  });

  it('leaves out the optional NINO and email when not given', () => {
    const body = valid() as Record<string, any>;
    delete body.person.nationalInsuranceNumber;
    delete body.person.email;
    const result = parse(body);
    expect(result.ok && Object.keys(result.value.person).sort()).toEqual(['dateOfBirth', 'familyName', 'givenName']);
  });

  it('reports every missing field at once, each at its own pointer', () => {
    expect(pointersOf({})).toEqual(['/type', '/person', '/previousAddress', '/newAddress', '/movedOn', '/departments']);
    expect(pointersOf({ ...valid(), person: {}, newAddress: {} })).toEqual([
      '/person/givenName',
      '/person/familyName',
      '/person/dateOfBirth',
      '/newAddress/line1',
      '/newAddress/town',
      '/newAddress/postcode',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(errorsOf([valid()])).toEqual([{ pointer: '', detail: 'The request body must be a JSON object.' }]);
    expect(pointersOf(null)).toEqual(['']);
  });

  it('rejects unknown fields anywhere, pointing at them', () => {
    expect(pointersOf({ ...valid(), citizenId: 'x', person: { ...valid().person, passport: 'X' } })).toEqual([
      '/person/passport',
      '/citizenId',
    ]);
    expect(pointersOf({ ...valid(), newAddress: { ...valid().newAddress, country: 'UK' } })).toEqual(['/newAddress/country']);
  });

  it('supports only address.changed', () => {
    expect(SUPPORTED_EVENT_TYPES).toEqual(['address.changed']);
    expect(errorsOf({ ...valid(), type: 'name.changed' })).toEqual([
      { pointer: '/type', detail: 'The type of change must be "address.changed".' },
    ]);
  });

  it.each([
    ['givenName', ''],
    ['givenName', '   '],
    ['givenName', 'x'.repeat(101)],
    ['familyName', ''],
    ['familyName', 42],
  ])('rejects person.%s = %j', (field, value) => {
    expect(pointersOf({ ...valid(), person: { ...valid().person, [field]: value } })).toEqual([`/person/${field}`]);
  });

  it('accepts names of exactly 100 characters', () => {
    expect(parse({ ...valid(), person: { ...valid().person, givenName: 'x'.repeat(100) } }).ok).toBe(true);
  });

  describe('date of birth', () => {
    it.each(['1985-02-29', '1985-13-01', '1985-12-1', '10/12/1985', '1985-12-10T00:00:00Z'])(
      'rejects %j as not a real YYYY-MM-DD date',
      (dateOfBirth) => {
        expect(errorsOf({ ...valid(), person: { ...valid().person, dateOfBirth } })).toEqual([
          { pointer: '/person/dateOfBirth', detail: expect.stringMatching(/real date in the format YYYY-MM-DD/) },
        ]);
      },
    );

    it('accepts 29 February in a leap year, and 1 January 1900', () => {
      expect(parse({ ...valid(), person: { ...valid().person, dateOfBirth: '1984-02-29' } }).ok).toBe(true);
      expect(parse({ ...valid(), person: { ...valid().person, dateOfBirth: '1900-01-01' } }).ok).toBe(true);
    });

    it('must be in the past and not before 1900', () => {
      for (const [dateOfBirth, message] of [
        ['2026-01-15', 'Your date of birth must be in the past.'],
        ['2030-01-01', 'Your date of birth must be in the past.'],
        ['1899-12-31', 'Your date of birth must be on or after 1 January 1900.'],
      ]) {
        expect(errorsOf({ ...valid(), person: { ...valid().person, dateOfBirth } })).toEqual([
          { pointer: '/person/dateOfBirth', detail: message },
        ]);
      }
      expect(parse({ ...valid(), person: { ...valid().person, dateOfBirth: '2026-01-14' }, movedOn: '2026-01-14' }).ok).toBe(true);
    });
  });

  describe('moved on', () => {
    it('may be up to one year from today, not later', () => {
      expect(parse({ ...valid(), movedOn: '2027-01-15' }).ok).toBe(true);
      expect(errorsOf({ ...valid(), movedOn: '2027-01-16' })).toEqual([
        { pointer: '/movedOn', detail: 'The date you moved must be no more than a year from today.' },
      ]);
    });

    it('may be in the past, but not before the date of birth', () => {
      expect(parse({ ...valid(), movedOn: '1985-12-10' }).ok).toBe(true);
      expect(errorsOf({ ...valid(), movedOn: '1985-12-09' })).toEqual([
        { pointer: '/movedOn', detail: 'The date you moved must be on or after your date of birth.' },
      ]);
    });

    it('is compared with the date of birth even when another field is wrong', () => {
      expect(pointersOf({ ...valid(), movedOn: '1980-01-01', departments: [] })).toEqual(['/departments', '/movedOn']);
    });

    it('is not compared with a date of birth that is itself invalid', () => {
      expect(pointersOf({ ...valid(), movedOn: '1980-01-01', person: { ...valid().person, dateOfBirth: '1985-02-30' } })).toEqual([
        '/person/dateOfBirth',
      ]);
    });

    it('uses the real clock in the default schema', () => {
      const nextYear = new Date().getUTCFullYear() + 2;
      expect(changeOfAddressRequestSchema.safeParse({ ...valid(), movedOn: `${nextYear}-12-31` }).success).toBe(false);
      expect(parseChangeOfAddressRequest({ ...valid(), movedOn: '2020-01-01' }).ok).toBe(true);
    });
  });

  it('rejects a NINO HMRC would never issue, with the wording citizens see on GOV.UK', () => {
    expect(errorsOf({ ...valid(), person: { ...valid().person, nationalInsuranceNumber: 'QQ123456Z' } })).toEqual([
      {
        pointer: '/person/nationalInsuranceNumber',
        detail: expect.stringMatching(/^Enter a National Insurance number in the correct format/),
      },
    ]);
  });

  it.each(['not-an-email', 'a@', '@example.org', 'ada@example'])('rejects email %j', (email) => {
    expect(pointersOf({ ...valid(), person: { ...valid().person, email } })).toEqual(['/person/email']);
  });

  it('accepts an email address of up to 254 characters', () => {
    const email = (lastLabel: number) => `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(lastLabel)}.uk`;
    expect(email(58)).toHaveLength(254);
    expect(parse({ ...valid(), person: { ...valid().person, email: email(58) } }).ok).toBe(true);
    expect(errorsOf({ ...valid(), person: { ...valid().person, email: email(59) } })).toEqual([
      { pointer: '/person/email', detail: 'Your email address must be 254 characters or fewer.' },
    ]);
  });

  describe('addresses', () => {
    it('reject a postcode that is not a UK postcode, saying which address', () => {
      expect(errorsOf({ ...valid(), newAddress: { ...valid().newAddress, postcode: '12345' } })).toEqual([
        { pointer: '/newAddress/postcode', detail: 'Enter a real UK postcode for your new address, like LS1 1AA.' },
      ]);
    });

    it('limit line lengths', () => {
      const long = { ...valid().newAddress, line1: 'x'.repeat(201), line2: 'y'.repeat(201), town: 'z'.repeat(101) };
      expect(pointersOf({ ...valid(), newAddress: long })).toEqual(['/newAddress/line1', '/newAddress/line2', '/newAddress/town']);
      const atLimit = { ...valid().newAddress, line1: 'x'.repeat(200), line2: 'y'.repeat(200), town: 'z'.repeat(100) };
      expect(parse({ ...valid(), newAddress: atLimit }).ok).toBe(true);
    });
  });

  describe('departments', () => {
    it('must name 1 to 50 departments', () => {
      expect(pointersOf({ ...valid(), departments: [] })).toEqual(['/departments']);
      const fifty = Array.from({ length: 50 }, (_, i) => `dept-${i}`);
      expect(parse({ ...valid(), departments: fifty }).ok).toBe(true);
      expect(pointersOf({ ...valid(), departments: [...fifty, 'one-more'] })).toEqual(['/departments']);
    });

    it('points at a department chosen twice', () => {
      expect(errorsOf({ ...valid(), departments: ['hmrc', 'dvla', 'hmrc'] })).toEqual([
        { pointer: '/departments/2', detail: 'You have chosen this department more than once.' },
      ]);
    });

    it.each(['H', 'HMRC', 'hm rc', 'x'.repeat(41), 'a_b'])('points at a malformed id %j', (id) => {
      expect(pointersOf({ ...valid(), departments: ['hmrc', id] })).toEqual(['/departments/1']);
    });
  });

  it('property: every accepted body yields normalised values and keeps the chosen departments', () => {
    const postcodes = fc.constantFrom('ls11aa', 'LS1 1AA', ' sw1a1aa ', 'YO1 7HH');
    fc.assert(
      fc.property(
        postcodes,
        postcodes,
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{2,40}$/), { minLength: 1, maxLength: 50 }),
        (p1, p2, departments) => {
          const body = {
            ...valid(),
            previousAddress: { ...valid().previousAddress, postcode: p1 },
            newAddress: { ...valid().newAddress, postcode: p2 },
            departments,
          };
          const result = parse(body);
          expect(result.ok).toBe(true);
          const value = (result as { value: ChangeOfAddressRequest }).value;
          expect(value.previousAddress.postcode).toMatch(/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/);
          expect(value.newAddress.postcode).toMatch(/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/);
          expect(value.departments).toEqual(departments);
        },
      ),
    );
  });

  it('property: arbitrary JSON never throws, and a rejection always has at least one pointer', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const result = parse(body);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(e.pointer === '' || e.pointer.startsWith('/')).toBe(true);
        }
      }),
    );
  });
});

describe('isCalendarDate', () => {
  it('knows which days exist', () => {
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-00-10')).toBe(false);
    expect(isCalendarDate('2026-1-10')).toBe(false);
  });
});
