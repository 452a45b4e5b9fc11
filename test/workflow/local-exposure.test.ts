import * as http from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS } from '../../local/local-credentials';
import { startLocalService } from '../../local/local-service';
import { startTestService } from '../support/local-service-fixture';

/** One HTTP request with exactly the headers given (fetch would add or refuse some of them). */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** What the AWS SDK sends, signed with the given access key id (dynalite checks no signature). */
const sdkLikeHeaders = (service: string, accessKeyId: string, target: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': target,
  authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261202/eu-west-2/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
});

describe('one machine: nothing reachable from a browser page', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let dynamoEndpoint: string;
  let sfnEndpoint: string;
  let kmsEndpoint: string;
  beforeAll(async () => {
    fixture = await startTestService({ demo: true, demoConfirmDelayMs: 100_000, allowedHosts: ['tuo.test'] });
    dynamoEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
    sfnEndpoint = process.env.AWS_ENDPOINT_URL_SFN!;
    kmsEndpoint = process.env.AWS_ENDPOINT_URL_KMS!;
  }, 120_000);
  afterAll(() => fixture?.stop());

  describe.each([
    ['dynalite', () => dynamoEndpoint, 'dynamodb', 'DynamoDB_20120810.ListTables', '{}'],
    [
      'the Step Functions endpoint',
      () => sfnEndpoint,
      'states',
      'AWSStepFunctions.DescribeExecution',
      '{"executionArn":"arn:aws:states:eu-west-2:000000000000:execution:x:y"}',
    ],
    ['the KMS endpoint (receipt signing)', () => kmsEndpoint, 'kms', 'TrentService.GetPublicKey', '{"KeyId":"alias/none"}'],
  ])('%s', (_name, endpoint, service, target, body) => {
    it("answers a request signed with this run's access key id", async () => {
      const answer = await rawRequest(endpoint(), {
        method: 'POST',
        headers: sdkLikeHeaders(service, LOCAL_CREDENTIALS.accessKeyId, target),
        body,
      });
      expect(answer.text).not.toMatch(/UnrecognizedClient|AccessDenied/);
    });

    it('refuses any other access key id, or none', async () => {
      for (const headers of [
        sdkLikeHeaders(service, 'local', target),
        sdkLikeHeaders(service, 'AKIAIOSFODNN7EXAMPLE', target),
        { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      ]) {
        const answer = await rawRequest(endpoint(), { method: 'POST', headers, body });
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.text).__type).toBe('UnrecognizedClientException');
      }
    });

    it('refuses whatever carries Origin or Sec-Fetch-*, even with the right key, and allows no origin', async () => {
      const signed = sdkLikeHeaders(service, LOCAL_CREDENTIALS.accessKeyId, target);
      for (const browserHeaders of <Record<string, string>[]>[
        { origin: 'https://attacker.example' },
        { origin: 'null' },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-mode': 'no-cors' },
      ]) {
        const answer = await rawRequest(endpoint(), { method: 'POST', headers: { ...signed, ...browserHeaders }, body });
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.text).__type).toBe('AccessDeniedException');
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      }
      // A CORS preflight, as a page's fetch would send first.
      const preflight = await rawRequest(endpoint(), {
        method: 'OPTIONS',
        headers: {
          origin: 'https://attacker.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-amz-target,content-type',
        },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('an SDK client with other credentials is refused as AWS would refuse it', async () => {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'eu-west-2', credentials, maxAttempts: 1 });
    const sfn = new SFNClient({ endpoint: sfnEndpoint, region: 'eu-west-2', credentials, maxAttempts: 1 });
    await expect(dynamo.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:eu-west-2:000000000000:execution:x:y' })),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    dynamo.destroy();
    sfn.destroy();
  });

  it('answers only Host values that name loopback or an allowed host (DNS rebinding)', async () => {
    const port = new URL(fixture.service.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `[::1]:${port}`, `tuo.test:${port}`]) {
      expect((await rawRequest(`${fixture.service.url}/healthz`, { headers: { host } })).status).toBe(200);
    }
    for (const host of [
      `attacker.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      'tuo.test.attacker.example',
      'localhost@attacker.example',
      'a b',
    ]) {
      const answer = await rawRequest(`${fixture.service.url}/v1/departments`, { headers: { host } });
      expect(answer.status).toBe(421);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.text).detail).toMatch(/loopback/);
    }
  });

  it('never serves /dev/token by a name beyond loopback', async () => {
    const port = new URL(fixture.service.url).port;
    const body = JSON.stringify({ sub: 'citizen-1' });
    const headers = { 'content-type': 'application/json' };
    expect(
      (await rawRequest(`${fixture.service.url}/dev/token`, { method: 'POST', headers: { ...headers, host: `localhost:${port}` }, body }))
        .status,
    ).toBe(200);
    const remote = await rawRequest(`${fixture.service.url}/dev/token`, {
      method: 'POST',
      headers: { ...headers, host: `tuo.test:${port}` },
      body,
    });
    expect(remote.status).toBe(404);
    expect(remote.text).not.toMatch(/access_token/);
  });

  it('limits the bodies sent to /dev/token and the demo receivers (413 problem+json)', async () => {
    const token = await rawRequest(`${fixture.service.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'x'.repeat(8 * 1024) }),
    });
    expect(token.status).toBe(413);
    expect(token.headers['content-type']).toBe('application/problem+json');
    const webhook = await rawRequest(`${fixture.service.url}/demo/departments/hmrc/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(2 * 1024 * 1024, 'x'),
    });
    expect(webhook.status).toBe(413);
    expect(JSON.parse(webhook.text)).toMatchObject({ status: 413 });
    // A delivery of ordinary size is still read and judged (here: unsigned, so refused by the receiver).
    const ordinary = await rawRequest(`${fixture.service.url}/demo/departments/hmrc/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ordinary.status).not.toBe(413);
  });

  it('refuses to listen beyond loopback unless the host names clients use are given', async () => {
    await expect(
      startLocalService({ port: 0, host: '0.0.0.0', dataDir: fixture.dataDir, demo: false, timeScale: 1, log: () => undefined }),
    ).rejects.toThrow(/TUO_ALLOWED_HOSTS/);
    await expect(
      startLocalService({ port: 0, host: '::', dataDir: fixture.dataDir, demo: false, timeScale: 1, log: () => undefined }),
    ).rejects.toThrow(/TUO_ALLOWED_HOSTS/);
  });
});
