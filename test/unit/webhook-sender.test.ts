import * as http from 'node:http';
import * as net from 'node:net';
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
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(status, location ? { location } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    status = 200;
    location = undefined;
  });

  it('refuses a host that resolves to a refused address, and sends nothing', async () => {
    const result = await sendWebhook(`http://localhost:${port}/hook`, '{}', 'ntf_1', [secret], new Date(), {
      allowLoopbackHttp: false,
      allowPrivateTargets: false,
    });
    expect(result).toEqual({ kind: 'refused-target', reason: expect.stringMatching(/loopback/) });
    expect(judgeAttempt(result, new Date()).kind).toBe('failed');
    expect(seen).toHaveLength(0);
  });

  it('sends a body signed per Standard Webhooks when the policy allows the target', async () => {
    const body = JSON.stringify({ type: 'address.changed', data: { notificationId: 'ntf_2' } });
    const result = await sendWebhook(`http://localhost:${port}/hook`, body, 'ntf_2', [secret], new Date(), {
      allowLoopbackHttp: true,
      allowPrivateTargets: false,
    });
    expect(result).toEqual({ kind: 'response', status: 200, retryAfter: null });
    expect(seen[0].body).toBe(body);
    expect(seen[0].headers['webhook-id']).toBe('ntf_2');
    const headers = Object.fromEntries(Object.entries(seen[0].headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook(secret).verify(seen[0].body, headers)).toEqual(JSON.parse(body));
  });

  it('does not follow redirects: a 3xx fails the notification', async () => {
    status = 307;
    location = 'http://169.254.169.254/latest/meta-data';
    const result = await sendWebhook(`http://127.0.0.1:${port}/hook`, '{}', 'ntf_3', [secret], new Date(), {
      allowLoopbackHttp: true,
      allowPrivateTargets: false,
    });
    expect(result).toMatchObject({ kind: 'response', status: 307 });
    expect(judgeAttempt(result, new Date())).toEqual({ kind: 'failed', error: 'HTTP 307: redirects are not followed' });
    expect(seen).toHaveLength(1);
  });

  it('reports a closed port as a network error to retry', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sendWebhook(`http://127.0.0.1:${closedPort}/`, '{}', 'ntf_4', [secret], new Date(), {
      allowLoopbackHttp: true,
      allowPrivateTargets: false,
    });
    expect(result).toEqual({ kind: 'network-error', description: 'ECONNREFUSED' });
    expect(judgeAttempt(result, new Date()).kind).toBe('retry');
  });
});

describe('sendWebhook against a receiver that trickles its answer', () => {
  // A real TCP receiver that never finishes its response head: one byte every 100 ms, for ever.
  // An idle-socket timeout never fires against it; only a total deadline ends the attempt.
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => {
        const head = 'HTTP/1.1 200 OK\r\nX-Slow: ';
        let sent = 0;
        const timer = setInterval(() => {
          if (socket.destroyed) return clearInterval(timer);
          socket.write(sent < head.length ? head[sent++] : 'a');
        }, 100);
        socket.on('close', () => {
          clearInterval(timer);
          sockets.delete(socket);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );

  it('gives up at the deadline, counts it as a timeout to retry, and closes the connection', async () => {
    const started = Date.now();
    const result = await sendWebhook(
      `http://127.0.0.1:${port}/hook`,
      '{}',
      'ntf_5',
      [Buffer.alloc(32, 1).toString('base64')],
      new Date(),
      { allowLoopbackHttp: true, allowPrivateTargets: false },
      1,
    );
    const elapsed = Date.now() - started;
    expect(result).toEqual({ kind: 'timeout', seconds: 1 });
    expect(judgeAttempt(result, new Date()).kind).toBe('retry');
    // Not a timing assertion on speed: the attempt must end near its deadline instead of running on
    // as long as bytes keep coming (the receiver would go on for ever).
    expect(elapsed).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets.size).toBe(0);
  }, 20_000);
});
