import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveInProcess, type InProcessResponse } from './in-process-transport';
import { refusalInProcess, refuseUnlessLocalClient } from './local-endpoint-guard';

/** A local service spoken to in AWS's JSON protocol (KMS, Step Functions): its operations and how it names failures. */
export interface AwsJsonService {
  /** `X-Amz-Target`'s prefix before the operation's name, e.g. `TrentService.`. */
  readonly targetPrefix: string;
  readonly contentType: string;
  /** The `__type` of a failure: the service's own error's name, or its name for a request it cannot read. */
  readonly errorName: (error: unknown) => string;
  readonly dispatch: (operation: string, body: any) => unknown;
}

export interface AwsJsonEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** One request's answer, whichever way it came. */
function answer(service: AwsJsonService, target: unknown, text: string): InProcessResponse {
  const headers = { 'content-type': service.contentType };
  try {
    const name = String(target ?? '');
    const operation = name.startsWith(service.targetPrefix) ? name.slice(service.targetPrefix.length) : name;
    const body = JSON.stringify(service.dispatch(operation, JSON.parse(text || '{}')));
    return { statusCode: 200, headers, body };
  } catch (error) {
    return { statusCode: 400, headers, body: JSON.stringify({ __type: service.errorName(error), message: (error as Error).message }) };
  }
}

/**
 * Serves `service` on a loopback port (the endpoint `AWS_ENDPOINT_URL_*` points the SDK at) and to
 * this process's SDK clients in process, without the socket: both ways through the same guard
 * (only requests signed with `accessKeyId`, none from a web page) and the same answer.
 */
export async function serveAwsJsonProtocol(service: AwsJsonService, accessKeyId: string): Promise<AwsJsonEndpoint> {
  const server = http.createServer((req, res) => {
    if (refuseUnlessLocalClient(req, res, accessKeyId)) return;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { statusCode, headers, body } = answer(service, req.headers['x-amz-target'], Buffer.concat(chunks).toString('utf8'));
      res.writeHead(statusCode, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stopServingInProcess = serveInProcess(url, async (request) => {
    return refusalInProcess(request.headers, accessKeyId) ?? answer(service, request.headers['x-amz-target'], request.body);
  });
  return {
    url,
    close: async () => {
      stopServingInProcess();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
