import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { judgeAttempt } from '../../lambdas/domain/delivery-outcome';
import { sendWebhook } from '../../lambdas/delivery/webhook-sender';

// Loopback only: a real socket on 127.0.0.1, reached by name so the DNS guard is exercised.
describe('sendWebhook', () => {
  let server: http.Server;
  let port: number;
  const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let status = 200;
  let location: string | undefined;
  const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(status, location ? { location } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => { seen.length = 0; status = 200; location = undefined; });

  it('refuses a host that resolves to a refused address, and sends nothing', async () => {
    const result = await sendWebhook(`http://localhost:${port}/hook`, '{}', 'ntf_1', [secret], new Date(), { allowLoopbackHttp: false, allowPrivateTargets: false });
    expect(result).toEqual({ kind: 'refused-target', reason: expect.stringMatching(/loopback/) });
    expect(judgeAttempt(result, new Date()).kind).toBe('failed');
    expect(seen).toHaveLength(0);
  });

  it('sends a body signed per Standard Webhooks when the policy allows the target', async () => {
    const body = JSON.stringify({ type: 'address.changed', data: { notificationId: 'ntf_2' } });
    const result = await sendWebhook(`http://localhost:${port}/hook`, body, 'ntf_2', [secret], new Date(), { allowLoopbackHttp: true, allowPrivateTargets: false });
    expect(result).toEqual({ kind: 'response', status: 200, retryAfter: null });
    expect(seen[0].body).toBe(body);
    expect(seen[0].headers['webhook-id']).toBe('ntf_2');
    const headers = Object.fromEntries(Object.entries(seen[0].headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook(secret).verify(seen[0].body, headers)).toEqual(JSON.parse(body));
  });

  it('does not follow redirects: a 3xx fails the notification', async () => {
    status = 307;
    location = 'http://169.254.169.254/latest/meta-data';
    const result = await sendWebhook(`http://127.0.0.1:${port}/hook`, '{}', 'ntf_3', [secret], new Date(), { allowLoopbackHttp: true, allowPrivateTargets: false });
    expect(result).toMatchObject({ kind: 'response', status: 307 });
    expect(judgeAttempt(result, new Date())).toEqual({ kind: 'failed', error: 'HTTP 307: redirects are not followed' });
    expect(seen).toHaveLength(1);
  });

  it('reports a closed port as a network error to retry', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sendWebhook(`http://127.0.0.1:${closedPort}/`, '{}', 'ntf_4', [secret], new Date(), { allowLoopbackHttp: true, allowPrivateTargets: false });
    expect(result).toEqual({ kind: 'network-error', description: 'ECONNREFUSED' });
    expect(judgeAttempt(result, new Date()).kind).toBe('retry');
  });
});
