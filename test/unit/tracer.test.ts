import { createSocket, type Socket } from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { traced } from '../../lambdas/observability/tracer';

/** What the X-Ray daemon would receive from a traced invocation. */
describe('X-Ray subsegments', () => {
  let daemon: Socket;
  let server: http.Server;
  let endpoint: string;
  const datagrams: string[] = [];
  const traceHeaders: Array<string | undefined> = [];
  const saved = { address: process.env.AWS_XRAY_DAEMON_ADDRESS, trace: process.env._X_AMZN_TRACE_ID };
  const ROOT = '1-5759e988-bd862e3fe1be46a994272793';

  beforeAll(async () => {
    daemon = createSocket('udp4');
    daemon.on('message', (message) => datagrams.push(message.toString()));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    server = http.createServer((req, res) => {
      traceHeaders.push(req.headers['x-amzn-trace-id'] as string | undefined);
      req.resume();
      req.on('end', () => {
        const status = req.url === '/down' ? 503 : 200;
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'request-1' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    daemon.close();
    await new Promise((resolve) => server.close(resolve));
    process.env.AWS_XRAY_DAEMON_ADDRESS = saved.address;
    process.env._X_AMZN_TRACE_ID = saved.trace;
    if (saved.address === undefined) delete process.env.AWS_XRAY_DAEMON_ADDRESS;
    if (saved.trace === undefined) delete process.env._X_AMZN_TRACE_ID;
  });

  beforeEach(() => {
    datagrams.length = 0;
    traceHeaders.length = 0;
    process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`;
  });

  const received = async (count: number) => {
    for (let i = 0; i < 100 && datagrams.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return datagrams.map((d) => {
      const [header, body] = d.split('\n');
      expect(JSON.parse(header)).toEqual({ format: 'json', version: 1 });
      return JSON.parse(body);
    });
  };

  const client = () => traced(new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));

  it('sends each AWS call as a subsegment of the invocation and passes the trace on', async () => {
    await client().send(new GetItemCommand({ TableName: 'submissions', Key: { pk: { S: 'x' } } }));
    const [subsegment] = await received(1);
    expect(subsegment).toMatchObject({
      type: 'subsegment', trace_id: ROOT, parent_id: '53995c3f42cd8ad8', name: 'DynamoDB', namespace: 'aws',
      aws: { operation: 'GetItem', table_name: 'submissions', request_id: 'request-1' }, http: { response: { status: 200 } },
    });
    expect(subsegment.end_time).toBeGreaterThanOrEqual(subsegment.start_time);
    expect(subsegment.fault).toBeUndefined();
    expect(traceHeaders).toEqual([`Root=${ROOT};Parent=${subsegment.id};Sampled=1`]);
  });

  it('sends nothing when the invocation is not sampled, or outside Lambda', async () => {
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=0`;
    await client().send(new GetItemCommand({ TableName: 'submissions', Key: { pk: { S: 'x' } } }));
    delete process.env.AWS_XRAY_DAEMON_ADDRESS;
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`;
    await client().send(new GetItemCommand({ TableName: 'submissions', Key: { pk: { S: 'x' } } }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(datagrams).toEqual([]);
    expect(traceHeaders).toEqual([undefined, undefined]);
  });

  it('sends each fetch as a remote subsegment with its host and status, a 5xx as a fault', async () => {
    await (await fetch(`${endpoint}/down`, { method: 'POST', body: 'x' })).text();
    const [subsegment] = await received(1);
    expect(subsegment).toMatchObject({
      type: 'subsegment', trace_id: ROOT, parent_id: '53995c3f42cd8ad8', name: new URL(endpoint).host, namespace: 'remote',
      http: { request: { method: 'POST' }, response: { status: 503 } }, fault: true,
    });
    expect(JSON.stringify(subsegment)).not.toContain('/down');
  });
});
