import fc from 'fast-check';
import {
  ENTITLEABLE_FIELDS,
  fieldsToServe,
  notificationData,
  selectEntitledFields,
  type EntitleableField,
} from '../../lambdas/domain/entitlement';
import type { ChangeOfAddress } from '../../lambdas/domain/submission';

const ada: ChangeOfAddress = {
  person: {
    givenName: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    nationalInsuranceNumber: 'AB123456C',
    email: 'ada@example.org',
  },
  previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
  newAddress: { line1: '2 New Road', line2: 'Flat 2', town: 'York', postcode: 'YO1 7HH' },
  movedOn: '2026-11-20',
};

// Every leaf in the result as a dotted path ("person.givenName", "newAddress.postcode").
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

const get = (value: unknown, path: string) =>
  path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

describe('selectEntitledFields', () => {
  it('gives a department exactly the fields it is entitled to', () => {
    expect(selectEntitledFields(ada, ['person.familyName', 'newAddress'])).toEqual({
      person: { familyName: 'Lovelace' },
      newAddress: { line1: '2 New Road', line2: 'Flat 2', town: 'York', postcode: 'YO1 7HH' },
    });
  });

  it('gives everything when entitled to everything', () => {
    expect(selectEntitledFields(ada, ENTITLEABLE_FIELDS)).toEqual(ada);
  });

  it('omits optional details the citizen did not give, and the person object when nothing of it is entitled', () => {
    const { nationalInsuranceNumber: _n, email: _e, ...person } = ada.person;
    const withoutOptional = { ...ada, person };
    expect(selectEntitledFields(withoutOptional, ['person.nationalInsuranceNumber', 'person.email', 'movedOn'])).toEqual({
      movedOn: '2026-11-20',
    });
  });

  it('returns an empty object when entitled to nothing', () => {
    expect(selectEntitledFields(ada, [])).toEqual({});
  });

  it('copies addresses, so changing the payload cannot change the submission', () => {
    const data = selectEntitledFields(ada, ['previousAddress', 'newAddress']);
    expect(data.newAddress).not.toBe(ada.newAddress);
    expect(data.previousAddress).not.toBe(ada.previousAddress);
    data.newAddress!.town = 'Changed';
    expect(ada.newAddress.town).toBe('York');
  });

  it('never passes on properties that are not part of the model, even if they sneak into the submission', () => {
    const polluted = {
      ...ada,
      departments: ['hmrc'],
      citizenId: 'secret',
      person: { ...ada.person, passport: 'X123' },
      newAddress: { ...ada.newAddress, uprn: '123' },
    } as unknown as ChangeOfAddress;
    const data = selectEntitledFields(polluted, ENTITLEABLE_FIELDS);
    expect(leafPaths(data).sort()).toEqual(leafPaths(ada).sort());
  });

  it('ignores unknown entitlement names that arrive from stored configuration', () => {
    expect(selectEntitledFields(ada, ['person', 'departments'] as unknown as EntitleableField[])).toEqual({});
  });

  it('property: nothing outside the entitled subset appears, and every entitled field present is carried unchanged', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 });
    const address = fc.record({ line1: text, line2: text, town: text, postcode: text }, { requiredKeys: ['line1', 'town', 'postcode'] });
    const submission: fc.Arbitrary<ChangeOfAddress> = fc.record({
      person: fc.record(
        { givenName: text, familyName: text, dateOfBirth: text, nationalInsuranceNumber: text, email: text },
        { requiredKeys: ['givenName', 'familyName', 'dateOfBirth'] },
      ),
      previousAddress: address,
      newAddress: address,
      movedOn: text,
    });
    fc.assert(
      fc.property(submission, fc.subarray([...ENTITLEABLE_FIELDS]), (change, fields) => {
        const data = selectEntitledFields(change, fields);
        for (const path of leafPaths(data)) {
          expect(fields.some((field) => path === field || path.startsWith(field + '.'))).toBe(true);
        }
        for (const field of ENTITLEABLE_FIELDS) {
          if (fields.includes(field)) expect(get(data, field)).toEqual(get(change, field));
          else expect(get(data, field)).toBeUndefined();
        }
      }),
    );
  });
});

describe('fieldsToServe and notificationData: consent is the snapshot, intersected with the current fields', () => {
  it('never serves a field added after the citizen consented', () => {
    fc.assert(
      fc.property(fc.subarray([...ENTITLEABLE_FIELDS]), fc.subarray([...ENTITLEABLE_FIELDS]), (consented, current) => {
        const served = fieldsToServe(consented, current);
        expect(served.every((f) => consented.includes(f) && current.includes(f))).toBe(true);
        expect(notificationData(ada, { consentedFields: consented, currentFields: current })).toEqual(selectEntitledFields(ada, served));
      }),
    );
  });

  it('serves no personal field for a notification stored without a snapshot', () => {
    expect(notificationData(ada, { consentedFields: undefined, currentFields: [...ENTITLEABLE_FIELDS] })).toEqual({});
  });
});
