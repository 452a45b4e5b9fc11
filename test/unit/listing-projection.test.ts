import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ServiceTable } from '../../lib/service-table';
import { LOCAL_CREDENTIALS } from '../../local/local-credentials';
import { LocalDynamoDb } from '../../local/local-dynamodb';
import { dynamoDbTables } from '../../local/template-resources';
import { documentClient } from '../../lambdas/store/dynamodb/document-client';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';

import type { CloudFormationTemplate } from '../../local/synthesized-template';
import type { DepartmentRecord } from '../../lambdas/domain/department';
import type { NotificationRecord } from '../../lambdas/domain/notification';
import type { SubmissionRecord } from '../../lambdas/domain/submission';
import { DynamoDbDepartmentRepository } from '../../lambdas/store/dynamodb/dynamodb-department-repository';
import { DynamoDbNotificationRepository } from '../../lambdas/store/dynamodb/dynamodb-notification-repository';
import { DynamoDbSubmissionRepository } from '../../lambdas/store/dynamodb/dynamodb-submission-repository';

/**
 * The listing and feed indexes hold only what their readers read (lib/service-table.ts). The table
 * is made, as `npm start` makes it, from the synthesized template, so dynalite applies the same
 * projection as DynamoDB: a listing that read an attribute the indexes leave out gets nothing here
 * as on AWS, and one whose attribute the projection forgot shows it missing.
 */
describe('what the listings read from the indexes', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'tuo-projection-'));
  const dynamo = new LocalDynamoDb(directory, LOCAL_CREDENTIALS);
  const saved = { ...process.env };
  let tableName: string;

  const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 8, minute)).toISOString();
  const department: DepartmentRecord = {
    id: 'dvla',
    name: 'Driver and Vehicle Licensing Agency',
    description: 'Driving licences',
    webhookUrl: 'https://dvla.example/hooks',
    delivery: 'push',
    rateLimitPerSecond: 5,
    events: ['address.changed'],
    fields: ['person.givenName', 'newAddress'],
    confirmation: { required: true, timeoutSeconds: 3600 },
    adapter: { type: 'standard-webhooks' },
    suspended: false,
    active: false,
    disabledAt: at(1),
    disabledReason: 'Endpoint failing',
    signingSecrets: [{ secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0', createdAt: at(0) }],
    apiKeys: [{ hash: 'a'.repeat(64), createdAt: at(0) }],
    createdAt: at(0),
    updatedAt: at(1),
  };
  const submission: SubmissionRecord = {
    id: 'sub_listing1',
    reference: 'TUO-LIST-0001',
    type: 'address.changed',
    citizenId: 'citizen-1',
    fingerprint: 'f'.repeat(64),
    notificationIds: ['ntf_listing1'],
    status: 'IN_PROGRESS',
    createdAt: at(2),
    updatedAt: at(2),
  };
  const notification: NotificationRecord = {
    id: 'ntf_listing1',
    submissionId: submission.id,
    departmentId: department.id,
    kind: 'change',
    status: 'PENDING',
    confirmationRequired: true,
    confirmationTimeoutSeconds: 3600,
    entitledFields: ['person.givenName', 'newAddress'],
    attempts: 0,
    createdAt: at(2),
    updatedAt: at(2),
  };

  beforeAll(async () => {
    const app = new App();
    const stack = new Stack(app, 'Projection');
    new ServiceTable(stack, 'Data', { encryptionKey: new kms.Key(stack, 'Key') });
    const [table] = dynamoDbTables(Template.fromStack(stack).toJSON() as CloudFormationTemplate);
    tableName = table.logicalId;
    // The repositories' client is made on first use, from the environment (as on one machine).
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: await dynamo.start(),
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    await dynamo.createTables([table]);
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    await dynamo.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('lists a department with what its readers show, and never its credentials', async () => {
    const departments = new DynamoDbDepartmentRepository(tableName);
    await departments.create(department);
    const [listed] = await departments.list();
    const {
      signingSecrets: _secrets,
      apiKeys: _keys,
      delivery: _d,
      rateLimitPerSecond: _r,
      confirmation: _c,
      adapter: _a,
      ...shown
    } = department;
    expect(listed).toEqual(expect.objectContaining(shown));
    expect(listed).not.toHaveProperty('signingSecrets');
    expect(listed).not.toHaveProperty('apiKeys');
    // What no listing reads is not copied either: a reader of the listing would find it missing.
    expect(listed).not.toHaveProperty('confirmation');
    expect((await departments.get(department.id))?.apiKeys).toEqual(department.apiKeys);
  });

  it('lists a notification by status with everything but the task token and the audit entries, and in its feed by its keys', async () => {
    const notifications = new DynamoDbNotificationRepository(tableName);
    await notifications.createIfAbsent(notification);
    await notifications.recordAttemptStarted(notification.id, new Date(at(3)), 'task-token-never-listed');
    await notifications.recordAttemptError(notification.id, 'HTTP 503', new Date(at(4)));
    const { notification: stored } = await notifications.markDelivered(notification, new Date(at(5)), 'push', [
      {
        submissionId: submission.id,
        key: `${notification.id}#DELIVERED`,
        at: at(5),
        type: 'DELIVERED',
        actor: 'service',
        departmentId: department.id,
        notificationId: notification.id,
        channel: 'push',
      },
    ]);
    const full = await notifications.get(notification.id);
    expect(full?.taskToken).toBe('task-token-never-listed');
    const { taskToken: _token, ...listable } = full!;
    expect(listable).toEqual(expect.objectContaining({ attempts: 1, lastError: 'HTTP 503', deliveredVia: 'push', sentAt: at(3) }));

    const [listed] = (await notifications.listForDepartment(department.id, 'DELIVERED', { limit: 10 })).items;
    expect(listed).toEqual(listable);
    expect(listed).not.toHaveProperty('taskToken');
    // The feed index holds keys only; the feed reads the notifications themselves, in feed order.
    const [entry] =
      (
        await documentClient().send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'feed',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': `FEED#${department.id}` },
          }),
        )
      ).Items ?? [];
    expect(Object.keys(entry).sort()).toEqual(['gsi2pk', 'gsi2sk', 'pk', 'sk']);
    expect((await notifications.listFeed(department.id, { limit: 10 })).items).toEqual([full]);
    expect(stored.status).toBe('DELIVERED');
    expect((await notifications.listForDepartment(department.id, 'PENDING', { limit: 10 })).items).toEqual([]);
  });

  it("lists a submission in progress for the reconciler by its id and status only, and a due erasure by its submission's id", async () => {
    const submissions = new DynamoDbSubmissionRepository(tableName);
    await submissions.create(submission);
    const [listed] = await submissions.listInProgress();
    expect(listed).toEqual(expect.objectContaining({ id: submission.id, status: 'IN_PROGRESS' }));
    for (const unlisted of ['citizenId', 'fingerprint', 'notificationIds', 'reference']) expect(listed).not.toHaveProperty(unlisted);

    await submissions.putPersonalData(
      submission.id,
      {
        person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1990-01-01' },
        previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
        newAddress: { line1: '2 New Street', town: 'York', postcode: 'YO1 1AA' },
        movedOn: '2026-11-01',
      },
      submission.fingerprint!,
    );
    await submissions.scheduleErasure(submission.id, new Date(at(6)));
    expect(await submissions.listErasureDue(new Date(at(7)), 10)).toEqual([submission.id]);
  });
});
