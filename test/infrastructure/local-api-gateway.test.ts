import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LocalApiGateway } from '../../local/local-api-gateway';
import type { PolicyStatement } from '../../local/iam-policy-evaluator';
import type { LocalOperatorAccess, LocalRoute } from '../../local/template-resources';

const API_ID = 'HttpApi';
/** An operator policy as lib/operator-access.ts writes it, resolved as on one machine: these routes only. */
const operatorPolicy = (...routes: string[]): LocalOperatorAccess => ({
  apiId: API_ID,
  statements: [
    {
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: routes.map(
        (key) => `arn:aws:execute-api:eu-west-2:000000000000:${API_ID}/*/${key.replace(' ', '').replace(/\{[^}]+\}/g, '*')}`,
      ),
    } satisfies PolicyStatement,
  ],
});

/** The one-machine gateway, behind a real HTTP server on loopback, with handlers that record what they get. */
async function serve(
  routes: LocalRoute[],
  operator = operatorPolicy(...routes.filter((r) => r.authorizationType === 'AWS_IAM').map((r) => r.routeKey)),
) {
  const events: Array<{ functionLogicalId: string; event: APIGatewayProxyEventV2 }> = [];
  const gateway = new LocalApiGateway(
    routes,
    async (functionLogicalId, event) => {
      events.push({ functionLogicalId, event });
      const authorised = (event.requestContext as { authorizer?: unknown }).authorizer !== undefined;
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ authorised }) };
    },
    'admin-token',
    operator,
  );
  const server = http.createServer((req, res) => void gateway.handle(req, res, new URL(req.url ?? '/', 'http://localhost')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, events, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const route = (routeKey: string, authorizationType: string, functionLogicalId = 'Fn'): LocalRoute => ({
  routeKey,
  authorizationType,
  functionLogicalId,
});

describe('the local API gateway', () => {
  it('hands a JWT-authorised route to its handler, bearer token and all, for the handler to verify', async () => {
    const api = await serve([route('POST /v1/submissions', 'JWT', 'SubmissionsFn')]);
    try {
      const response = await fetch(`${api.base}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: 'Bearer a.citizen.jwt', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(200);
      expect(api.events).toHaveLength(1);
      expect(api.events[0].functionLogicalId).toBe('SubmissionsFn');
      expect(api.events[0].event.headers.authorization).toBe('Bearer a.citizen.jwt');
      expect(api.events[0].event.routeKey).toBe('POST /v1/submissions');
    } finally {
      await api.close();
    }
  });

  it('passes a JWT route with no token to the handler too (the handler answers 401)', async () => {
    const api = await serve([route('GET /v1/submissions/{submissionId}', 'JWT')]);
    try {
      const response = await fetch(`${api.base}/v1/submissions/sub_1`);
      expect(response.status).toBe(200);
      expect(api.events[0].event.pathParameters).toEqual({ submissionId: 'sub_1' });
      expect(api.events[0].event.headers.authorization).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it('gives an IAM route the operator identity only for the admin token', async () => {
    const api = await serve([route('PUT /v1/departments/{departmentId}', 'AWS_IAM')]);
    try {
      const asAdmin = await fetch(`${api.base}/v1/departments/hmrc`, { method: 'PUT', headers: { authorization: 'Bearer admin-token' } });
      const asSomeoneElse = await fetch(`${api.base}/v1/departments/hmrc`, { method: 'PUT', headers: { authorization: 'Bearer guess' } });
      expect(await asAdmin.json()).toEqual({ authorised: true });
      expect(await asSomeoneElse.json()).toEqual({ authorised: false });
    } finally {
      await api.close();
    }
  });

  it("refuses (403) an operator's request to an IAM route the operator policy does not allow, before any handler runs", async () => {
    const api = await serve(
      [route('GET /v1/operator/events', 'AWS_IAM'), route('POST /v1/departments/{departmentId}/signing-secrets', 'AWS_IAM')],
      operatorPolicy('GET /v1/operator/events'),
    );
    try {
      const allowed = await fetch(`${api.base}/v1/operator/events`, { headers: { authorization: 'Bearer admin-token' } });
      expect(await allowed.json()).toEqual({ authorised: true });
      const refused = await fetch(`${api.base}/v1/departments/hmrc/signing-secrets`, {
        method: 'POST',
        headers: { authorization: 'Bearer admin-token' },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(api.events.map((e) => e.event.routeKey)).toEqual(['GET /v1/operator/events']);
    } finally {
      await api.close();
    }
  });

  it('refuses to start with a route whose authorisation it cannot play, rather than leave it open', () => {
    expect(() => new LocalApiGateway([route('GET /v1/secret', 'CUSTOM')], async () => ({}), 'admin-token', operatorPolicy())).toThrow(
      /GET \/v1\/secret \(CUSTOM\)/,
    );
  });
});
