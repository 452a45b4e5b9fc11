import type * as http from 'node:http';

/** See local-endpoint-guard.js: answers the refusal and returns true unless the request comes from this run's SDK clients. */
export function refuseUnlessLocalClient(req: http.IncomingMessage, res: http.ServerResponse, accessKeyId: string): boolean;
