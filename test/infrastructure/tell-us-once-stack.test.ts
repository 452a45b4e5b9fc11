import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../lib/service-function';
import { composeTellUsOnceApp } from '../../lib/tell-us-once-app';
import { apiRoutes, lambdaFunctions, stateMachineDefinition } from '../../local/template-resources';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (sep?: string) => string };

// One App per file (aws-cdk-lib cannot add a stack after synthesis). Bundling is skipped here:
// it changes asset hashes only, never the resources asserted below.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = composeTellUsOnceApp(app);
const template = Template.fromStack(stack);
const json = template.toJSON() as any;
const { definition } = stateMachineDefinition(json);

function state(name: string): any {
  const find = (states: Record<string, any>): any => {
    for (const [key, value] of Object.entries(states)) {
      if (key === name) return value;
      const nested = value.ItemProcessor?.States ?? value.Iterator?.States;
      const found = nested && find(nested);
      if (found) return found;
    }
    return undefined;
  };
  const found = find(definition.States);
  if (!found) throw new Error(`No state ${name}`);
  return found;
}

describe('the notification workflow', () => {
  it('is a Standard state machine', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('maps over the departments the execution input carries, then finalises the submission: no step lists them', () => {
    expect(definition.StartAt).toBe('NotifyDepartments');
    const map = state('NotifyDepartments');
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.notifications');
    expect(map.Next).toBe('FinaliseSubmission');
    expect(map.ItemProcessor.StartAt).toBe('DeliverAndAwait');
    expect(state('FinaliseSubmission').End).toBe(true);
  });

  it('delivers and waits for each department in one task with a task token, bounded by the department timeout, and expires on timeout', () => {
    const task = state('DeliverAndAwait');
    expect(task.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(task.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(task.TimeoutSecondsPath).toBe('$.Payload.timeoutSeconds');
    expect(task.End).toBe(true);
    expect(task.Catch).toEqual(
      expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'ExpireNotification' })]),
    );
    expect(state('NotifyDepartments').ItemSelector.Payload['timeoutSeconds.$']).toBe('$$.Map.Item.Value.timeoutSeconds');
    // A notification whose attempt outlasted a very short timeout is delivered again, not left PENDING.
    expect(state('ExpireNotification').Next).toBe('AfterExpiry');
    expect(state('AfterExpiry').Choices).toEqual([
      expect.objectContaining({ Variable: '$.expiry.deliverAgain', BooleanEquals: true, Next: 'DeliverAndAwait' }),
    ]);
  });

  it('hands the task token to no state but the waiting one', () => {
    const tokenUsers: string[] = [];
    const visit = (states: Record<string, any>) => {
      for (const [name, value] of Object.entries(states)) {
        if (JSON.stringify(value.Parameters ?? {}).includes('$$.Task.Token')) tokenUsers.push(name);
        if (value.ItemProcessor) visit(value.ItemProcessor.States);
      }
    };
    visit(definition.States);
    expect(tokenUsers).toEqual(['DeliverAndAwait']);
  });

  it('backs a failed attempt off with full jitter over at least 72 hours, and waits for a time the step names (Retry-After, a hold)', () => {
    const task = state('DeliverAndAwait');
    // First match only: a deferral is never retried, a failed attempt backs off, anything else is transient.
    expect(task.Retry[0]).toEqual({ ErrorEquals: ['TellUsOnce.DeliveryDeferred'], MaxAttempts: 0 });
    expect(task.Retry[1]).toEqual({
      ErrorEquals: ['TellUsOnce.DeliveryRetry'],
      IntervalSeconds: 5,
      BackoffRate: 4,
      MaxDelaySeconds: 86_400,
      MaxAttempts: 20,
      JitterStrategy: 'FULL',
    });
    // The caps alone (the longest the draws can add up to) span well over 72 hours.
    const caps = Array.from({ length: task.Retry[1].MaxAttempts }, (_, n) => Math.min(5 * 4 ** n, 86_400));
    expect(caps.reduce((a, b) => a + b, 0)).toBeGreaterThan(72 * 3600 * 3);
    expect(task.Retry[2].ErrorEquals).toEqual(expect.arrayContaining(['States.TaskFailed', 'Lambda.TooManyRequestsException']));
    expect(task.Catch).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ErrorEquals: ['TellUsOnce.DeliveryDeferred', 'TellUsOnce.DeliveryRetry'],
          ResultPath: '$.retry',
          Next: 'WaitBeforeRetry',
        }),
      ]),
    );
    expect(state('WaitBeforeRetry')).toMatchObject({ Type: 'Wait', TimestampPath: '$.retry.Cause', Next: 'DeliverAndAwait' });
  });

  it('gives every Task a timeout (aws-local-stepfunctions would otherwise impose 60 s, AWS none)', () => {
    for (const name of ['ExpireNotification', 'FinaliseSubmission']) {
      expect(state(name).TimeoutSeconds).toBeGreaterThan(0);
    }
    expect(state('DeliverAndAwait').TimeoutSecondsPath).toBeDefined();
  });
});

describe('retention', () => {
  it('erases personal data hourly, with the table TTL as backstop', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });
});

describe('the data', () => {
  it('lives in one on-demand table keyed by pk and sk, with point-in-time recovery and a listing index', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'listing',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
        // Departments' feeds (CONTRACT section 8): creation order, whatever the status.
        Match.objectLike({
          IndexName: 'feed',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });
});

describe('the API', () => {
  const routes = apiRoutes(json);

  it('has the routes of CONTRACT sections 4 to 6, 10 and 11, the web pages, and a default route for everything else', () => {
    const api = routes
      .map((r) => r.routeKey)
      .filter((key) => key === '$default' || key === 'GET /openapi.json' || key.includes(' /v1/') || key.includes(' /.well-known/'));
    expect(api.sort()).toEqual([
      '$default',
      'DELETE /v1/submissions/{submissionId}',
      'GET /.well-known/jwks.json',
      'GET /openapi.json',
      'GET /v1/departments',
      'GET /v1/departments/{departmentId}',
      'GET /v1/departments/{departmentId}/changes',
      'GET /v1/departments/{departmentId}/feed',
      'GET /v1/departments/{departmentId}/notifications',
      'GET /v1/operator/events',
      'GET /v1/submissions/{submissionId}',
      'GET /v1/submissions/{submissionId}/events',
      'GET /v1/submissions/{submissionId}/receipt',
      'POST /v1/departments/{departmentId}/api-keys',
      'POST /v1/departments/{departmentId}/signing-secrets',
      'POST /v1/notifications/{notificationId}/confirmation',
      'POST /v1/notifications/{notificationId}/redeliver',
      'POST /v1/submissions',
      'POST /v1/submissions/{submissionId}/corrections',
      'POST /v1/submissions/{submissionId}/withdrawal',
      'PUT /v1/departments/{departmentId}',
    ]);
    expect(
      routes
        .map((r) => r.routeKey)
        .filter((key) => !api.includes(key))
        .sort(),
    ).toEqual([
      'GET /',
      'GET /assets/{proxy+}',
      'GET /department',
      'GET /department/sign-in',
      'GET /journey/{step}',
      'GET /operator',
      'GET /operator/sign-in',
      'GET /sign-in',
      'GET /sign-in/callback',
      'GET /signed-out',
      'GET /submissions/{submissionId}',
      'GET /submissions/{submissionId}/confirmation',
      'GET /submissions/{submissionId}/correct',
      'GET /submissions/{submissionId}/correct/{step}',
      'GET /submissions/{submissionId}/progress',
      'GET /submissions/{submissionId}/proof',
      'GET /submissions/{submissionId}/proof/receipt',
      'GET /submissions/{submissionId}/withdraw',
      'POST /department/notifications/{notificationId}',
      'POST /department/sign-in',
      'POST /department/sign-out',
      'POST /journey/{step}',
      'POST /operator/notifications/{notificationId}/redeliver',
      'POST /operator/sign-in',
      'POST /operator/sign-out',
      'POST /sign-out',
      'POST /submissions/{submissionId}/correct',
      'POST /submissions/{submissionId}/correct/{step}',
      'POST /submissions/{submissionId}/withdraw',
    ]);
  });

  it('authorises operator routes with IAM', () => {
    const authorisation = Object.fromEntries(routes.map((r) => [r.routeKey, r.authorizationType]));
    expect(authorisation['PUT /v1/departments/{departmentId}']).toBe('AWS_IAM');
    expect(authorisation['POST /v1/departments/{departmentId}/signing-secrets']).toBe('AWS_IAM');
    expect(authorisation['POST /v1/departments/{departmentId}/api-keys']).toBe('AWS_IAM');
    expect(authorisation['POST /v1/notifications/{notificationId}/redeliver']).toBe('AWS_IAM');
    expect(authorisation['GET /v1/departments']).toBe('NONE');
    expect(authorisation['GET /operator']).toBe('AWS_IAM');
    expect(authorisation['POST /operator/notifications/{notificationId}/redeliver']).toBe('AWS_IAM');
    expect(authorisation['GET /operator/sign-in']).toBe('NONE');
  });

  it('is an HTTP API', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  });
});

describe('the functions', () => {
  const functions = lambdaFunctions(json);

  it('run on Node.js 22 or newer, on arm64', () => {
    const resources = template.findResources('AWS::Lambda::Function', { Metadata: { 'TellUsOnce:Handler': Match.anyValue() } });
    expect(Object.keys(resources)).toHaveLength(19);
    for (const resource of Object.values(resources) as any[]) {
      expect(Number(/^nodejs(\d+)/.exec(resource.Properties.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(resource.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('each name a handler that exists, which the one-machine runtime loads', () => {
    // Each handler checks its declared environment at cold start (lambdas/function-declarations.ts).
    Object.assign(process.env, {
      TABLE_NAME: 'table',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:000000000000:stateMachine:test',
      PUBLIC_BASE_URL: 'https://tell-us-once.example',
      OIDC_ISSUER: 'https://issuer.example',
      OIDC_AUDIENCE: 'tell-us-once',
      OIDC_JWKS_URL: 'https://issuer.example/jwks.json',
    });
    for (const fn of functions.values()) {
      expect(existsSync(path.join(PROJECT_ROOT, fn.entry))).toBe(true);

      const loaded = jest.requireActual(path.join(PROJECT_ROOT, fn.entry));
      expect(typeof loaded[fn.handler]).toBe('function');
    }
  });

  it('only the confirmation API, the department page and DeliverAndAwait (its own task: nothing to wait for, or an answer that came first) may resume a waiting workflow; only submissions, redelivery, the feed, the web pages and the reconciler start one', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const grants = (action: string) =>
      Object.entries(policies)
        .filter(([, p]: [string, any]) => JSON.stringify(p.Properties.PolicyDocument).includes(action))
        .map(([id]) => id);
    expect(grants('states:SendTaskSuccess').sort()).toEqual([
      expect.stringMatching(/^ApiNotificationsFunction/),
      expect.stringMatching(/^WebDepartmentPagesFunction/),
      expect.stringMatching(/^WorkflowDeliverNotificationFunction/),
    ]);
    expect(grants('states:StartExecution').sort()).toEqual([
      expect.stringMatching(/^ApiFeedFunction/),
      expect.stringMatching(/^ApiNotificationsFunction/),
      expect.stringMatching(/^ApiSubmissionsFunction/),
      expect.stringMatching(/^RecoveryReconcileSubmissionsFunction/),
      expect.stringMatching(/^WebAfterSendingFunction/),
      expect.stringMatching(/^WebCitizenJourneyFunction/),
      expect.stringMatching(/^WebDepartmentPagesFunction/),
      expect.stringMatching(/^WebOperatorPagesFunction/),
    ]);
    expect(grants('states:DescribeExecution')).toEqual([expect.stringMatching(/RecoveryReconcileSubmissionsFunction/)]);
  });

  it('record an explicit share of traces (the cost model prices 5 %), not the account default', () => {
    template.hasResourceProperties('AWS::XRay::SamplingRule', { SamplingRule: Match.objectLike({ FixedRate: 0.05, ReservoirSize: 0 }) });
  });

  it('resume a submission as soon as its execution fails, times out or is aborted, and sweep only stale submissions, slowly', () => {
    const rules = (Object.values(template.findResources('AWS::Events::Rule')) as any[]).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes('RecoveryReconcileSubmissionsFunction'),
    );
    expect(rules.map((r) => r.Properties.ScheduleExpression).filter(Boolean)).toEqual(['rate(6 hours)']);
    const onEvent = rules.find((r) => r.Properties.EventPattern);
    const machineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(onEvent.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
    });
  });
});
