import { notificationBody } from '../../lambdas/domain/notification-payload';
import type { DepartmentRecord } from '../../lambdas/domain/department';
import type { NotificationRecord } from '../../lambdas/domain/notification';
import type { PersonalDataRecord } from '../../lambdas/domain/submission';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('the body that carries a notification to its department', () => {
  async function stored() {
    const s = inMemoryService();
    const department = await s.addDepartment('dvla', { fields: ['person.givenName', 'newAddress', 'movedOn'] });
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const personalData = (await s.submissions.getPersonalData(submission.id))!;
    const body = (
      overrides: {
        notification?: Partial<NotificationRecord>;
        department?: Partial<DepartmentRecord>;
        personalData?: PersonalDataRecord | undefined;
      } = {},
    ) =>
      JSON.parse(
        notificationBody({
          notification: { ...notifications[0], ...overrides.notification },
          submission: submission,
          personalData: 'personalData' in overrides ? overrides.personalData : personalData,
          department: { ...department, ...overrides.department },
          publicBaseUrl: 'https://tuo.example',
          now: new Date('2026-12-01T10:00:00.123Z'),
        }),
      ) as Record<string, unknown> & { data: Record<string, unknown> };
    return { submission, notification: notifications[0], body };
  }

  it('carries only the fields consented and still held, with how to answer', async () => {
    const { submission, notification, body } = await stored();
    expect(body()).toEqual({
      type: 'address.changed',
      timestamp: '2026-12-01T10:00:00Z',
      data: {
        notificationId: notification.id,
        reference: submission.reference,
        confirmationUrl: `https://tuo.example/v1/notifications/${notification.id}/confirmation`,
        person: { givenName: 'Ada' },
        newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
        movedOn: '2026-11-20',
      },
    });
    // Widened since the citizen consented: nothing more. Narrowed: less.
    expect(body({ department: { fields: ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'] } }).data).not.toHaveProperty(
      'person.familyName',
    );
    expect(body({ department: { fields: ['movedOn'] } }).data).toEqual(
      expect.not.objectContaining({ person: expect.anything(), newAddress: expect.anything() }),
    );
  });

  it('a correction names what it corrects and the changed fields the department may see', async () => {
    const { body } = await stored();
    const correction = body({ notification: { kind: 'correction', corrects: 'ntf_original', changed: ['newAddress', 'person.email'] } });
    expect(correction).toMatchObject({
      type: 'address.corrected',
      data: { corrects: 'ntf_original', changed: ['newAddress'], newAddress: expect.any(Object) },
    });
  });

  it('a withdrawal notice carries no personal data, and can be built once the data is erased', async () => {
    const { body } = await stored();
    const notice = body({ notification: { kind: 'withdrawal', withdraws: 'ntf_original', entitledFields: [] }, personalData: undefined });
    expect(notice.type).toBe('address.withdrawn');
    expect(Object.keys(notice.data).sort()).toEqual(['confirmationUrl', 'notificationId', 'reference', 'withdraws']);
    expect(() => body({ personalData: undefined })).toThrow();
  });

  it("is shaped by the department's field mapping, which can only reach entitled values", async () => {
    const { submission, body } = await stored();
    const mapped = body({
      department: {
        adapter: {
          type: 'field-mapping',
          fields: [
            { name: 'ref', from: 'reference', format: 'as-is' },
            { name: 'postcode', from: 'newAddress.postcode', format: 'lower-case' },
            { name: 'moved', from: 'movedOn', format: 'dd/mm/yyyy' },
            { name: 'surname', from: 'person.familyName', format: 'as-is' },
          ],
        },
      },
    });
    expect(mapped).toEqual({ ref: submission.reference, postcode: 'yo1 7hh', moved: '20/11/2026' });
  });
});
