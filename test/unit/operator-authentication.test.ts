import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateOperator, roleOf } from '../../lambdas/http/authentication';

const calledBy = (userArn: string | undefined) =>
  ({
    headers: {},
    requestContext: userArn === undefined ? {} : { authorizer: { iam: { userArn } } },
  }) as unknown as APIGatewayProxyEventV2;
const status = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (error) {
    return (error as { response?: { statusCode: number } }).response?.statusCode;
  }
};

describe('operators: IAM, narrowed to the listed operator roles', () => {
  const allowed = ['arn:aws:iam::123456789012:role/ops/TellUsOnceOperator'];

  it('accepts a session of a listed role, and names the caller', () => {
    const caller = 'arn:aws:sts::123456789012:assumed-role/TellUsOnceOperator/alice';
    expect(status(() => authenticateOperator(calledBy(caller), allowed))).toBe(200);
    expect(authenticateOperator(calledBy(caller), allowed)).toBe(caller);
  });

  it('refuses (403) any other principal that IAM let through: another role, another account, a user', () => {
    for (const caller of [
      'arn:aws:sts::123456789012:assumed-role/Developer/bob',
      'arn:aws:sts::210987654321:assumed-role/TellUsOnceOperator/eve',
      'arn:aws:iam::123456789012:user/TellUsOnceOperator',
      'arn:aws:iam::123456789012:root',
    ])
      expect(status(() => authenticateOperator(calledBy(caller), allowed))).toBe(403);
  });

  it('refuses (401) a request IAM did not authorise; with no list, any IAM caller is an operator (one machine)', () => {
    expect(status(() => authenticateOperator(calledBy(undefined), allowed))).toBe(401);
    expect(status(() => authenticateOperator(calledBy('arn:aws:iam::local:user/operator'), []))).toBe(200);
  });

  it('reads roles from role and session ARNs alike', () => {
    expect(roleOf('arn:aws:iam::123456789012:role/a/b/Name')).toBe('123456789012/Name');
    expect(roleOf('arn:aws-us-gov:sts::123456789012:assumed-role/Name/session')).toBe('123456789012/Name');
    expect(roleOf('arn:aws:iam::123456789012:user/Name')).toBeUndefined();
  });
});
