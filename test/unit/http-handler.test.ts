import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpHandler, isServiceUnavailable } from '../../lambdas/api/http-handler';

/** An error as the AWS SDK v3 throws it: a name, a fault side and the HTTP status in $metadata. */
const awsError = (name: string, httpStatusCode: number, fault: 'client' | 'server', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode }, ...extra });

describe('which failures answer 503 (try again) and which 500 (our fault, alarmed)', () => {
  it("503: throttling, the AWS service's own 5xx and network failures", () => {
    expect(isServiceUnavailable(awsError('ThrottlingException', 400, 'client'))).toBe(true);
    expect(isServiceUnavailable(awsError('ProvisionedThroughputExceededException', 400, 'client'))).toBe(true);
    expect(isServiceUnavailable(awsError('SomethingThrottled', 400, 'client', { $retryable: { throttling: true } }))).toBe(true);
    expect(isServiceUnavailable(awsError('InternalServerError', 500, 'server'))).toBe(true);
    expect(isServiceUnavailable(awsError('ServiceUnavailable', 503, 'server'))).toBe(true);
    expect(isServiceUnavailable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isServiceUnavailable(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('500: any other AWS error (an oversized key, a refused permission) and anything else', () => {
    expect(isServiceUnavailable(awsError('ValidationException', 400, 'client'))).toBe(false);
    expect(isServiceUnavailable(awsError('AccessDeniedException', 400, 'client'))).toBe(false);
    expect(isServiceUnavailable(awsError('ResourceNotFoundException', 400, 'client'))).toBe(false);
    expect(isServiceUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isServiceUnavailable(undefined)).toBe(false);
  });

  it('the handler answers each as problem+json', async () => {
    const event = (routeKey: string) => ({ routeKey, headers: {} }) as unknown as APIGatewayProxyEventV2;
    const handler = httpHandler({
      'GET /validation': async () => {
        throw awsError('ValidationException', 400, 'client');
      },
      'GET /throttled': async () => {
        throw awsError('ThrottlingException', 400, 'client');
      },
    });
    const validation = await handler(event('GET /validation'));
    expect(validation.statusCode).toBe(500);
    expect(validation.headers?.['content-type']).toMatch(/problem\+json/);
    const throttled = await handler(event('GET /throttled'));
    expect(throttled.statusCode).toBe(503);
    expect(throttled.headers?.['retry-after']).toBe('1');
  });
});
