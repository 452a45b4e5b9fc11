import { runSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { evaluatePolicies, type AuthorisationRequest, type PolicyStatement } from '../../local/iam-policy-evaluator';

/**
 * The one-machine IAM evaluator (MIT, ships with `npm start`) against @cloud-copilot/iam-simulate
 * (AGPL: a devDependency used only here) on generated policies and requests, over the policy
 * language the template uses: Allow/Deny, wildcards in actions and resources, StringEquals,
 * StringLike, ArnLike, and ForAllValues:StringLike on dynamodb:LeadingKeys.
 */
const ACCOUNT = '123456789012';
const TABLE = `arn:aws:dynamodb:eu-west-2:${ACCOUNT}:table/Data`;
const MACHINE = `arn:aws:states:eu-west-2:${ACCOUNT}:stateMachine:TellUsOnce-notifications`;
const KEY = `arn:aws:kms:eu-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** Requests as the service makes them: an action with a resource of the type AWS expects for it. */
const requests: fc.Arbitrary<AuthorisationRequest> = fc.oneof(
  fc.record({
    action: fc.constantFrom('dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
    resource: fc.constant(TABLE),
    context: fc.record({
      'dynamodb:LeadingKeys': fc.array(fc.constantFrom('SUBMISSION#1', 'NOTIFICATION#2', 'DEPARTMENT#a', 'JOURNEY#x'), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  }),
  fc.record({
    action: fc.constant('dynamodb:Query'),
    resource: fc.constantFrom(`${TABLE}/index/listing`, TABLE),
    context: fc.constant({}),
  }),
  // Not SendTaskSuccess: the Service Authorization Reference (iam-simulate's data) lists no
  // resource type for it, yet AWS authorises it on the token's state machine ARN (its
  // AccessDenied names that ARN; aws/aws-cdk#8486), as local/aws-request-authorisation.ts does.
  fc.record({ action: fc.constant('states:StartExecution'), resource: fc.constant(MACHINE), context: fc.constant({}) }),
  fc.record({
    action: fc.constantFrom('kms:Decrypt', 'kms:GenerateDataKey'),
    resource: fc.constant(KEY),
    context: fc.record(
      {
        'kms:ViaService': fc.constantFrom('dynamodb.eu-west-2.amazonaws.com', 'states.eu-west-2.amazonaws.com'),
        'aws:SourceArn': fc.constantFrom(MACHINE, `arn:aws:states:eu-west-2:${ACCOUNT}:stateMachine:`, `${MACHINE}-other`),
      },
      { requiredKeys: ['kms:ViaService'] },
    ),
  }),
);

const conditions = fc.oneof(
  fc.constant(undefined),
  fc.record({
    'ForAllValues:StringLike': fc.record({
      'dynamodb:LeadingKeys': fc.subarray(['SUBMISSION#*', 'NOTIFICATION#*', 'DEPARTMENT#*', 'JOURNEY#?'], { minLength: 1 }),
    }),
  }),
  fc.record({
    StringEquals: fc.record({ 'kms:ViaService': fc.constantFrom('dynamodb.eu-west-2.amazonaws.com', 'states.eu-west-2.amazonaws.com') }),
  }),
  // ARN-valued conditions on aws:SourceArn: iam-simulate does not read kms:EncryptionContext:* keys
  // from a request's context (it reports them missing), so those are covered by the examples below.
  fc.record({
    StringEquals: fc.record({ 'aws:SourceArn': fc.constantFrom(MACHINE, `arn:aws:states:eu-west-2:${ACCOUNT}:stateMachine:`) }),
  }),
  fc.record({
    StringLike: fc.record({
      'aws:SourceArn': fc.constantFrom(
        `arn:aws:states:*:${ACCOUNT}:stateMachine:*`,
        'arn:aws:states:*:*:stateMachine:TellUsOnce-?otifications',
      ),
    }),
  }),
  fc.record({
    ArnLike: fc.record({
      'aws:SourceArn': fc.constantFrom(`arn:aws:states:*:${ACCOUNT}:stateMachine:*`, 'arn:aws:states:eu-west-2:*:stateMachine:Other*'),
    }),
  }),
);

const statements: fc.Arbitrary<PolicyStatement> = fc
  .record(
    {
      Effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
      Action: fc.subarray(
        [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:*',
          'dynamodb:Get*',
          'DynamoDB:PutItem',
          'states:StartExecution',
          'states:Send*',
          'kms:Decrypt',
          'kms:GenerateDataKey*',
          'kms:*',
          '*',
        ],
        { minLength: 1, maxLength: 4 },
      ),
      Resource: fc.subarray(
        [
          TABLE,
          `${TABLE}/index/*`,
          `${TABLE}/index/listing`,
          `${TABLE}*`,
          MACHINE,
          `${MACHINE}:*`,
          'arn:aws:states:eu-west-2:*:stateMachine:TellUsOnce-*',
          KEY,
          'arn:aws:kms:*:*:key/*',
          '*',
        ],
        { minLength: 1, maxLength: 3 },
      ),
      Condition: conditions,
    },
    { requiredKeys: ['Effect', 'Action', 'Resource'] },
  )
  .map((s) => (s.Condition === undefined ? { Effect: s.Effect, Action: s.Action, Resource: s.Resource } : s) as PolicyStatement);

async function reference(policy: PolicyStatement[], request: AuthorisationRequest): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: 'role', policy: { Version: '2012-10-17', Statement: policy as any } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // KMS needs its key policy to allow too: the default one delegates to the account's IAM policies.
      ...(request.action.startsWith('kms:')
        ? {
            resourcePolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
            },
          }
        : {}),
      request: {
        action: request.action,
        principal: `arn:aws:iam::${ACCOUNT}:role/Function`,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: { ...(request.context as Record<string, string | string[]>) },
      },
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`iam-simulate refused the simulation: ${JSON.stringify(response.errors)}`);
  return ({ Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' } as Record<string, string>)[
    response.overallResult
  ];
}

describe('the one-machine IAM evaluator decides as the reference evaluator does', () => {
  it('on generated policies and requests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(statements, { minLength: 1, maxLength: 4 }), requests, async (policy, request) => {
        expect(evaluatePolicies(policy, request)).toBe(await reference(policy, request));
      }),
      { numRuns: 300 },
    );
  });

  it('on the two deploy blockers as the template had them', async () => {
    const unnamedCondition: PolicyStatement[] = [
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: KEY,
        Condition: {
          StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': `arn:aws:states:eu-west-2:${ACCOUNT}:stateMachine:` },
        },
      },
    ];
    const start: AuthorisationRequest = {
      action: 'kms:GenerateDataKey',
      resource: KEY,
      context: { 'kms:EncryptionContext:aws:states:stateMachineArn': MACHINE },
    };
    expect(evaluatePolicies(unnamedCondition, start)).toBe('ImplicitDeny');
    const namedCondition: PolicyStatement[] = [
      { ...unnamedCondition[0], Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': MACHINE } } },
    ];
    expect(evaluatePolicies(namedCondition, start)).toBe('Allow');
    expect(
      evaluatePolicies(namedCondition, { ...start, context: { 'kms:EncryptionContext:aws:states:stateMachineArn': `${MACHINE}-other` } }),
    ).toBe('ImplicitDeny');
    const withoutSendTaskSuccess: PolicyStatement[] = [{ Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: TABLE }];
    const resume: AuthorisationRequest = { action: 'states:SendTaskSuccess', resource: MACHINE };
    expect(evaluatePolicies(withoutSendTaskSuccess, resume)).toBe('ImplicitDeny');
    expect(
      evaluatePolicies([...withoutSendTaskSuccess, { Effect: 'Allow', Action: 'states:SendTaskSuccess', Resource: MACHINE }], resume),
    ).toBe('Allow');
  });
});
