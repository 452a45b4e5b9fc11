import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CSRF_COOKIE, CSRF_FIELD, isCsrfSafe } from '../../lambdas/web/web-request';

// Behind CloudFront, API Gateway sees its own name as Host; the edge passes the browser's on as
// x-forwarded-host (lib/public-distribution.ts). A form post from the page itself must still pass.
const token = 'a'.repeat(43);
const post = (headers: Record<string, string>) =>
  ({
    headers,
    cookies: [`${CSRF_COOKIE}=${token}`],
    requestContext: { domainName: 'abc123.execute-api.eu-west-2.amazonaws.com' },
  }) as unknown as APIGatewayProxyEventV2;
const form = { [CSRF_FIELD]: token };

describe("the pages' same-origin check behind CloudFront", () => {
  it('accepts a post from the page the browser was on', () => {
    expect(
      isCsrfSafe(
        post({
          origin: 'https://d111.cloudfront.net',
          host: 'abc123.execute-api.eu-west-2.amazonaws.com',
          'x-forwarded-host': 'd111.cloudfront.net',
        }),
        form,
      ),
    ).toBe(true);
  });

  it('still refuses a post from another site', () => {
    expect(
      isCsrfSafe(
        post({
          origin: 'https://attacker.example',
          host: 'abc123.execute-api.eu-west-2.amazonaws.com',
          'x-forwarded-host': 'd111.cloudfront.net',
        }),
        form,
      ),
    ).toBe(false);
  });

  it('without CloudFront compares with Host, as before', () => {
    expect(isCsrfSafe(post({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }), form)).toBe(true);
    expect(isCsrfSafe(post({ origin: 'https://attacker.example', host: '127.0.0.1:3000' }), form)).toBe(false);
  });
});
