import fc from 'fast-check';
import {
  entitlementNeededFor,
  MAPPABLE_SOURCES,
  renderForDepartment,
  type DepartmentAdapter,
} from '../../lambdas/domain/department-adapter';
import { parseDepartmentConfiguration } from '../../lambdas/domain/department-configuration';
import { ENTITLEABLE_FIELDS, type EntitleableField } from '../../lambdas/domain/entitlement';
import type { ChangeOfAddress } from '../../lambdas/domain/submission';
import { buildNotificationEvent } from '../../lambdas/domain/notification-event';

const change: ChangeOfAddress = {
  person: {
    givenName: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    nationalInsuranceNumber: 'AB123456C',
    email: 'ada@example.org',
  },
  previousAddress: { line1: '1 Old Street', line2: 'Flat 2', town: 'Leeds', postcode: 'LS1 1AA' },
  newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
  movedOn: '2026-11-20',
};
const personalValues = [
  'Ada',
  'Lovelace',
  '1985-12-10',
  'AB123456C',
  'ada@example.org',
  '1 Old Street',
  'Flat 2',
  'Leeds',
  'LS1 1AA',
  '2 New Road',
  'York',
  'YO1 7HH',
  '2026-11-20',
];

const eventFor = (fields: readonly EntitleableField[]) =>
  buildNotificationEvent({
    type: 'address.changed',
    notificationId: 'ntf_x',
    reference: 'TUO-AAAA-BBBB',
    confirmationUrl: 'https://api.example/c',
    change,
    consentedFields: fields,
    currentFields: fields,
    now: new Date('2026-11-29T10:00:00Z'),
  });

describe('department adapters', () => {
  it('the default is the canonical Standard Webhooks event', () => {
    const event = eventFor(['newAddress']);
    expect(JSON.parse(renderForDepartment(event, { type: 'standard-webhooks' }))).toEqual(event);
    expect(JSON.parse(renderForDepartment(event, undefined))).toEqual(event);
  });

  it('a field mapping renames and reformats, leaving out what the citizen did not give', () => {
    const adapter: DepartmentAdapter = {
      type: 'field-mapping',
      fields: [
        { name: 'Surname', from: 'person.familyName', format: 'upper-case' },
        { name: 'Dob', from: 'person.dateOfBirth', format: 'dd/mm/yyyy' },
        { name: 'Line2', from: 'newAddress.line2', format: 'as-is' },
        { name: 'Id', from: 'notificationId', format: 'as-is' },
      ],
    };
    expect(JSON.parse(renderForDepartment(eventFor(['person.familyName', 'person.dateOfBirth', 'newAddress']), adapter))).toEqual({
      Surname: 'LOVELACE',
      Dob: '10/12/1985',
      Id: 'ntf_x',
    });
  });

  it('never carries a value the department is not entitled to, whatever the mapping', () => {
    fc.assert(
      fc.property(
        fc.subarray([...ENTITLEABLE_FIELDS]),
        fc.array(fc.constantFrom(...MAPPABLE_SOURCES), { minLength: 1, maxLength: 20 }),
        (fields, sources) => {
          const adapter: DepartmentAdapter = {
            type: 'field-mapping',
            fields: sources.map((from, i) => ({ name: `f${i}`, from, format: 'as-is' as const })),
          };
          const body = JSON.parse(renderForDepartment(eventFor(fields), adapter)) as Record<string, string>;
          sources.forEach((from, i) => {
            const needed = entitlementNeededFor(from);
            if (needed && !fields.includes(needed)) expect(body[`f${i}`]).toBeUndefined();
          });
          const leaked = Object.values(body).filter((v) => personalValues.includes(v));
          for (const value of leaked) {
            const entitledValues = JSON.stringify(eventFor(fields).data);
            expect(entitledValues).toContain(JSON.stringify(value));
          }
        },
      ),
    );
  });

  it("registration refuses a mapping that reaches beyond the department's fields", () => {
    const result = parseDepartmentConfiguration({
      name: 'Legacy',
      webhookUrl: 'https://legacy.example/hook',
      events: ['address.changed'],
      fields: ['newAddress'],
      adapter: {
        type: 'field-mapping',
        fields: [
          { name: 'Pc', from: 'newAddress.postcode' },
          { name: 'Email', from: 'person.email' },
        ],
      },
    });
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: '/adapter/fields/1/from' })] });
    const unknown = parseDepartmentConfiguration({
      name: 'Legacy',
      webhookUrl: 'https://legacy.example/hook',
      events: ['address.changed'],
      fields: ['newAddress'],
      adapter: { type: 'xml-soap' },
    });
    expect(unknown.ok).toBe(false);
  });
});
