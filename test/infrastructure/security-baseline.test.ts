import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_LIMITS, composeTellUsOnceApp } from '../../lib/tell-us-once-app';
import { LocalApiGateway } from '../../local/local-api-gateway';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluatePolicies } from '../../local/iam-policy-evaluator';
import {
  apiRoutes,
  keyPolicyStatements,
  LOCAL_STACK_ID,
  operatorAccess,
  resolveIntrinsics,
  type LocalOperatorAccess,
} from '../../local/template-resources';
import { FUNCTIONS, type AccessDeclaration } from '../../lambdas/function-declarations';
import { METRIC, METRICS_NAMESPACE, UNEXPECTED_ERROR_MESSAGE } from '../../lambdas/observability/metric-names';

// One App per file. Context as an operator would pass it with -c, to see it reach the template.
const app = new App({
  context: {
    'aws:cdk:bundling-stacks': [],
    oidcIssuer: 'https://issuer.example/',
    oidcAudience: 'client-123',
    oidcClientId: 'web-client-456',
    oidcRedirectUri: 'https://tell-us-once.example/sign-in/callback',
    apiThrottleRateLimit: '25',
    deliveryConcurrency: '7',
    alarmEmail: 'ops@example.org',
    operatorRoleArns: 'arn:aws:iam::123456789012:role/tuo-operator',
  },
});
const stack = composeTellUsOnceApp(app);
const template = Template.fromStack(stack);
const json = template.toJSON() as { Resources: Record<string, any> };
const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
// The service's symmetric key (data, logs, workflow, alarms); the receipt signing key is asymmetric.
const [keyId] = resources('AWS::KMS::Key')
  .filter(([, k]) => k.Properties.KeySpec === undefined)
  .map(([id]) => id);
const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

describe('cdk-nag (AwsSolutions)', () => {
  it('finds nothing that is not acknowledged, with a reason, next to its resource', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('data protection', () => {
  it('has one customer-managed key for data, rotated yearly, kept when the stack goes', () => {
    expect(
      resources('AWS::KMS::Key').filter(([, k]) => (k.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT'),
    ).toHaveLength(1);
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  it('encrypts the table with it, with point-in-time recovery, deletion protection and a TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('encrypts every log group, the workflow and the alarm topic with it', () => {
    const logGroups = resources('AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThanOrEqual(12); // 10 functions, API access logs, workflow
    for (const [, group] of logGroups) expect(group.Properties.KmsKeyId).toEqual(keyArn);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: keyArn },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
  });

  it("lets CloudWatch Logs use the key for the service's own log groups only, each of them and no other", () => {
    const [statement] = keyPolicyStatements(json as any, keyId).filter((s) => s.Sid === 'CloudWatchLogsEncryptsLogGroups');
    expect(statement.Principal).toEqual({ Service: 'logs.eu-west-2.amazonaws.com' });
    // Evaluated as KMS would, with the encryption context CloudWatch Logs sends: the log group's ARN.
    const mayEncrypt = (logGroupName: string) =>
      evaluatePolicies([statement], {
        action: 'kms:GenerateDataKey',
        resource: `arn:aws:kms:eu-west-2:000000000000:key/${keyId}`,
        context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-2:000000000000:log-group:${logGroupName}` },
      }) === 'Allow';
    const names = resources('AWS::Logs::LogGroup').map(
      ([, group]) => resolveIntrinsics(json as any, group.Properties.LogGroupName) as string,
    );
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) expect({ name, allowed: mayEncrypt(name) }).toEqual({ name, allowed: true });
    for (const other of [
      '/aws/lambda/someone-else',
      'TellUsOnce-SomeLogGroup',
      `/tell-us-once/OtherStack/${LOCAL_STACK_ID.split('/')[2]}/Api/AccessLogs`,
    ]) {
      expect({ other, allowed: mayEncrypt(other) }).toEqual({ other, allowed: false });
    }
  });

  it("puts no secret in any function's environment", () => {
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const variables = Object.entries(fn.Properties.Environment?.Variables ?? {});
      const secrets = variables.filter(
        ([name, value]) => /SECRET|TOKEN|PASSWORD|API_?KEY$/i.test(name) || /whsec_/.test(JSON.stringify(value)),
      );
      expect({ id, secrets }).toEqual({ id, secrets: [] });
    }
  });
});

describe('authentication', () => {
  const routes: Record<string, any> = Object.fromEntries(
    resources('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties]),
  );

  it("puts a JWT authorizer with the configured OIDC issuer and audience in front of citizens' routes", () => {
    const authorizers = resources('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example/', Audience: ['client-123'] },
    });
    for (const key of ['POST /v1/submissions', 'GET /v1/submissions/{submissionId}']) {
      expect(routes[key]).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
  });

  it("keeps the handlers' own token check too (issuer and audience in their environment)", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OIDC_ISSUER: 'https://issuer.example/', OIDC_AUDIENCE: 'client-123' }) },
      Description: Match.stringLikeRegexp('Citizens'),
    });
  });

  it("authorises operators with IAM, and leaves departments' and public routes to the handlers", () => {
    expect(routes['PUT /v1/departments/{departmentId}'].AuthorizationType).toBe('AWS_IAM');
    expect(routes['POST /v1/departments/{departmentId}/signing-secrets'].AuthorizationType).toBe('AWS_IAM');
    for (const key of ['POST /v1/notifications/{notificationId}/confirmation', 'GET /v1/departments', 'GET /openapi.json']) {
      expect(routes[key].AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });

  it('signs citizens in on the web as the configured client, with a KMS key only the sign-in pages may sign with', () => {
    const signing = resources('AWS::KMS::Key').filter(([, r]) => r.Properties.KeySpec === 'RSA_2048');
    expect(signing).toHaveLength(1);
    const [signingKeyId, signingKey] = signing[0];
    expect(signingKey.Properties.KeyUsage).toBe('SIGN_VERIFY');
    const pages = resources('AWS::Lambda::Function').find(
      ([, r]) => r.Properties.Description === FUNCTIONS.citizenSignInPages.description,
    )!;
    expect(pages[1].Properties.Environment.Variables).toMatchObject({
      OIDC_ISSUER: 'https://issuer.example/',
      OIDC_CLIENT_ID: 'web-client-456',
      OIDC_REDIRECT_URI: 'https://tell-us-once.example/sign-in/callback',
      OIDC_CLIENT_KEY_ID: { 'Fn::GetAtt': [signingKeyId, 'Arn'] },
    });
    // Who may use the key, and for what: kms:Sign, by the sign-in pages' role alone.
    const grants = resources('AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as any[])
        .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [signingKeyId, 'Arn'] }))
        .map((statement) => ({ roles: policy.Properties.Roles, action: statement.Action })),
    );
    expect(grants).toEqual([{ roles: [{ Ref: pages[1].Properties.Role['Fn::GetAtt'][0] }], action: 'kms:Sign' }]);
  });

  it('has routes the one-machine gateway can serve (JWT routes verified by their handlers)', () => {
    expect(() => new LocalApiGateway(apiRoutes(json as any), async () => ({}), 'token', operatorAccess(json as any))).not.toThrow();
  });

  const iamRouteKeys = Object.entries(routes)
    .filter(([, r]) => r.AuthorizationType === 'AWS_IAM')
    .map(([key]) => key)
    .sort();

  it('defines what an operator may call: execute-api:Invoke on exactly the IAM routes, attached to the listed operator roles', () => {
    const [[, policy]] = resources('AWS::IAM::ManagedPolicy');
    expect(resources('AWS::IAM::ManagedPolicy')).toHaveLength(1);
    expect(policy.Properties.Roles).toEqual(['tuo-operator']);
    const { apiId, statements } = operatorAccess(json);
    expect(statements.map((s) => [s.Effect, s.Action])).toEqual([['Allow', 'execute-api:Invoke']]);
    const prefix = `arn:aws:execute-api:eu-west-2:000000000000:${apiId}/*/`;
    const granted = [statements[0].Resource]
      .flat()
      .map((arn) => String(arn))
      .map((arn) => (arn.startsWith(prefix) ? arn.slice(prefix.length) : arn))
      .sort();
    expect(iamRouteKeys.length).toBeGreaterThanOrEqual(9);
    expect(granted).toEqual(iamRouteKeys.map((key) => key.replace(' ', '').replace(/\{[^}]+\}/g, '*')).sort());
  });

  it('on one machine, lets the operator call every IAM route, and refuses one taken out of the operator policy', async () => {
    const invoked: string[] = [];
    const serve = async (operator: LocalOperatorAccess) => {
      const gateway = new LocalApiGateway(
        apiRoutes(json),
        async (_id, event) => {
          invoked.push(event.routeKey);
          return { statusCode: 200, body: '' };
        },
        'admin-token',
        operator,
      );
      const server = http.createServer((req, res) => void gateway.handle(req, res, new URL(req.url ?? '/', 'http://localhost')));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const call = async (key: string) => {
        const [method, path] = key.split(' ');
        return (await fetch(`${base}${path.replace(/\{[^}+]+\+?\}/g, 'x1')}`, { method, headers: { authorization: 'Bearer admin-token' } }))
          .status;
      };
      return { call, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    };
    const full = operatorAccess(json);
    const all = await serve(full);
    try {
      for (const key of iamRouteKeys) expect({ key, status: await all.call(key) }).toEqual({ key, status: 200 });
    } finally {
      await all.close();
    }
    expect(invoked.sort()).toEqual(iamRouteKeys);
    const withoutPut = {
      ...full,
      statements: full.statements.map((s) => ({ ...s, Resource: [s.Resource!].flat().filter((arn) => !String(arn).includes('/PUT/')) })),
    };
    const narrowed = await serve(withoutPut);
    try {
      expect(await narrowed.call('PUT /v1/departments/{departmentId}')).toBe(403);
      expect(await narrowed.call('GET /v1/departments/{departmentId}')).toBe(200);
    } finally {
      await narrowed.close();
    }
  });
});

describe('receipts (CONTRACT section 11)', () => {
  // The citizen sign-in key (RSA_2048, private_key_jwt) is the web pages' own; receipts have theirs.
  const signingKeys = resources('AWS::KMS::Key').filter(
    ([, k]) => k.Properties.KeyUsage === 'SIGN_VERIFY' && k.Properties.KeySpec === 'ECC_NIST_P256',
  );
  const signInKeys = resources('AWS::KMS::Key').filter(
    ([, k]) => k.Properties.KeyUsage === 'SIGN_VERIFY' && k.Properties.KeySpec === 'RSA_2048',
  );
  const functionIdOf = (description: string) =>
    resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.Description === description)![0];
  const submissionsFunction = functionIdOf('Citizens report a change and follow its progress');
  const proofPagesFunction = functionIdOf(FUNCTIONS.proofOfNotificationPages.description);
  const receiptKeysFunction = functionIdOf('Publishes the public key that verifies receipts (JWKS)');
  const receiptKeyArn = () => ({ 'Fn::GetAtt': [signingKeys[0][0], 'Arn'] });
  /** Which functions a KMS action is granted to, and on what: from every role policy of the template. */
  const grantsOf = (action: string) => {
    const functionOfRole = new Map(resources('AWS::Lambda::Function').map(([id, fn]) => [fn.Properties.Role['Fn::GetAtt'][0], id]));
    return resources('AWS::IAM::Policy')
      .flatMap(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.filter((statement: any) =>
          [statement.Action].flat().some((a: string) => a === action || a === 'kms:*' || a === '*'),
        ).flatMap((statement: any) =>
          policy.Properties.Roles.map((role: any) => ({ fn: functionOfRole.get(role.Ref) ?? role.Ref, resource: statement.Resource })),
        ),
      )
      .filter((grant) => !signInKeys.some(([id]) => JSON.stringify(grant.resource).includes(id)));
  };

  it('signs with its own asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY), kept when the stack goes so receipts stay verifiable', () => {
    expect(signingKeys).toHaveLength(1);
    const [, key] = signingKeys[0];
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('grants kms:Sign on that key alone, to the API and the proof of notification page only', () => {
    const grants = grantsOf('kms:Sign');
    expect(grants.map((g) => g.fn).sort()).toEqual([submissionsFunction, proofPagesFunction].sort());
    for (const grant of grants) expect(grant.resource).toEqual(receiptKeyArn());
  });

  it('grants kms:GetPublicKey on that key to them and to the JWKS function, which cannot sign', () => {
    const grants = grantsOf('kms:GetPublicKey');
    expect(grants.map((g) => g.fn).sort()).toEqual([receiptKeysFunction, submissionsFunction, proofPagesFunction].sort());
    for (const grant of grants) expect(grant.resource).toEqual(receiptKeyArn());
  });

  it('grants the signing keys to each function exactly as its declaration says (one place: lambdas/function-declarations.ts)', () => {
    const keys: Record<string, string> = { receiptSigningKey: signingKeys[0][0], citizenSignInKey: signInKeys[0][0] };
    for (const declaration of Object.values(FUNCTIONS)) {
      const [, fn] = resources('AWS::Lambda::Function').find(([, f]) => f.Properties.Description === declaration.description)!;
      const role = fn.Properties.Role['Fn::GetAtt'][0];
      const granted = resources('AWS::IAM::Policy')
        .filter(([, policy]) => policy.Properties.Roles.some((r: any) => r.Ref === role))
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[])
        .flatMap((statement) =>
          Object.entries(keys)
            .filter(([, id]) => JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }))
            .map(([on]) => [on, [statement.Action].flat().sort()]),
        );
      const declared = (declaration.access as readonly AccessDeclaration[])
        .filter((a) => a.on in keys)
        .map((a) => [a.on, [...a.actions].sort()]);
      expect({ entry: declaration.entry, granted }).toEqual({ entry: declaration.entry, granted: declared });
    }
  });

  it('names the key, and the issuer, to each function that uses it', () => {
    for (const id of [submissionsFunction, proofPagesFunction, receiptKeysFunction]) {
      expect(json.Resources[id].Properties.Environment.Variables.RECEIPT_SIGNING_KEY_ARN).toEqual(receiptKeyArn());
    }
    for (const id of [submissionsFunction, proofPagesFunction]) {
      expect(json.Resources[id].Properties.Environment.Variables.PUBLIC_BASE_URL).toBeDefined();
    }
  });

  it('serves the receipt to the signed-in citizen and the JWKS to anyone', () => {
    const routes: Record<string, any> = Object.fromEntries(
      resources('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties]),
    );
    expect(routes['GET /v1/submissions/{submissionId}/receipt'].AuthorizationType).toBe('JWT');
    expect(routes['GET /.well-known/jwks.json'].AuthorizationType ?? 'NONE').toBe('NONE');
  });
});

describe('limits', () => {
  it('throttles the API stage by default, from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: DEFAULT_LIMITS.apiThrottleBurstLimit },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('reserves concurrency for the delivery function only, so departments see bounded load', () => {
    const reserved = resources('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined);
    expect(reserved.map(([id, fn]) => [id, fn.Properties.ReservedConcurrentExecutions])).toEqual([
      [expect.stringMatching(/DeliverNotification/), 7],
    ]);
  });

  it('refuses a limit that is not a positive whole number', () => {
    const bad = new App({ context: { 'aws:cdk:bundling-stacks': [], deliveryConcurrency: '0' } });
    expect(() => composeTellUsOnceApp(bad)).toThrow(/deliveryConcurrency/);
  });
});

describe('monitoring', () => {
  const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const [topicId] = resources('AWS::SNS::Topic').map(([id]) => id);
  const metricsOf = (alarm: any): any[] => alarm.Metrics ?? [alarm];

  it('sends every alarm to the alarm topic, which emails the configured address', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(5);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: { Ref: topicId },
    });
  });

  it('alarms on failed workflow executions', () => {
    expect(alarms.some((a) => metricsOf(a).some((m: any) => m.MetricStat?.Metric.MetricName === 'ExecutionsFailed'))).toBe(true);
  });

  it("alarms on the share of failed deliveries, from the service's own metrics", () => {
    const rate = alarms.find((a) => metricsOf(a).some((m: any) => /failed \/ \(delivered \+ failed\)/.test(m.Expression ?? '')));
    expect(rate).toBeDefined();
    const names = metricsOf(rate)
      .map((m: any) => m.MetricStat?.Metric)
      .filter(Boolean);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Namespace: METRICS_NAMESPACE, MetricName: METRIC.delivered }),
        expect.objectContaining({ Namespace: METRICS_NAMESPACE, MetricName: METRIC.failed }),
      ]),
    );
  });

  it('alarms on API 5xx answers and on throttling', () => {
    expect(alarms.some((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5xx')).toBe(true);
    expect(alarms.some((a) => metricsOf(a).filter((m: any) => m.MetricStat?.Metric.MetricName === 'Throttles').length >= 8)).toBe(true); // The API's and the workflow's functions (3 since workflow v2).
    expect(alarms.some((a) => a.MetricName === 'ExecutionThrottled')).toBe(true);
  });

  it("alarms on the first unexpected 500, counted from the API functions' logs", () => {
    const filters = resources('AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters.length).toBeGreaterThanOrEqual(4);
    for (const filter of filters) {
      expect(filter.FilterPattern).toContain(UNEXPECTED_ERROR_MESSAGE);
      expect(filter.MetricTransformations).toEqual([
        expect.objectContaining({ MetricNamespace: METRICS_NAMESPACE, MetricName: METRIC.unexpectedErrors }),
      ]);
    }
    expect(alarms.some((a) => a.Namespace === METRICS_NAMESPACE && a.MetricName === METRIC.unexpectedErrors && a.Threshold === 1)).toBe(
      true,
    );
  });

  it('has a dashboard charting deliveries per department', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(resources('AWS::CloudWatch::Dashboard')[0][1].Properties.DashboardBody);
    expect(body).toContain(`SEARCH('{${METRICS_NAMESPACE},department,service} MetricName=\\\\\\"${METRIC.delivered}\\\\\\"`);
  });
});
