// Plain CommonJS on purpose: the dynalite worker thread loads this without a TypeScript loader,
// and the Step Functions endpoint in the main thread uses the very same check.
'use strict';
const { timingSafeEqual } = require('node:crypto');

/**
 * Guards a local AWS endpoint (dynalite, Step Functions) against every client but the handlers'
 * SDK clients of this run. Loopback alone is not enough: any web page the user opens can send
 * requests to 127.0.0.1. The SDK clients sign with this run's random access key id (taken from
 * the environment, as on AWS), and never send the headers a browser adds (`Origin`, `Sec-Fetch-*`).
 * Answers the refusal itself and returns true when the request must go no further.
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} accessKeyId
 * @returns {boolean}
 */
function refuseUnlessLocalClient(req, res, accessKeyId) {
  const refusal = refusalOf(req.headers, accessKeyId);
  if (!refusal) return false;
  // Drop the body unread and the connection with it: a refused client gets nothing more.
  res.writeHead(refusal.status, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' });
  res.end(JSON.stringify({ __type: refusal.type, message: refusal.message }));
  req.resume();
  return true;
}

/**
 * The same check for a request handed over in process (local/in-process-transport.ts): the refusal
 * as the response to give, or undefined when the request may go on.
 *
 * @param {Record<string, string | undefined>} headers header names in lower case
 * @param {string} accessKeyId
 * @returns {{ statusCode: number, headers: Record<string, string>, body: string } | undefined}
 */
function refusalInProcess(headers, accessKeyId) {
  const refusal = refusalOf(headers, accessKeyId);
  if (!refusal) return undefined;
  return {
    statusCode: refusal.status,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ __type: refusal.type, message: refusal.message }),
  };
}

/** @param {Record<string, string | string[] | undefined>} headers @param {string} accessKeyId */
function refusalOf(headers, accessKeyId) {
  if (headers.origin !== undefined || Object.keys(headers).some((name) => name.startsWith('sec-fetch-'))) {
    return { status: 403, type: 'AccessDeniedException', message: 'Requests from web pages are refused.' };
  }
  // SigV4: `Authorization: AWS4-HMAC-SHA256 Credential=<access key id>/<date>/<region>/<service>/aws4_request, ...`
  const presented = /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? '';
  const expected = Buffer.from(accessKeyId);
  const given = Buffer.from(presented);
  if (accessKeyId === '' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  return undefined;
}

module.exports = { refuseUnlessLocalClient, refusalInProcess };
