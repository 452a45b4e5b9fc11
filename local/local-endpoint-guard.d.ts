import type * as http from 'node:http';

/** See local-endpoint-guard.js: answers the refusal and returns true unless the request comes from this run's SDK clients. */
export function refuseUnlessLocalClient(req: http.IncomingMessage, res: http.ServerResponse, accessKeyId: string): boolean;

/** See local-endpoint-guard.js: the same check for a request handed over in process; the refusal to answer, or undefined. */
export function refusalInProcess(
  headers: Record<string, string | undefined>,
  accessKeyId: string,
): { statusCode: number; headers: Record<string, string>; body: string } | undefined;
