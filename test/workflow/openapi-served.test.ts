import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/service-function';
import { startTestService } from '../support/local-service-fixture';

/** The document is served by a route of the synthesized API, so the one-machine runtime serves it too. */
describe('GET /openapi.json', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  beforeAll(async () => {
    fixture = await startTestService();
  }, 120_000);
  afterAll(async () => fixture?.stop());

  it('answers the committed OpenAPI document, without authentication', async () => {
    const response = await fixture.client.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs', 'openapi.json'), 'utf8')));
  });

  it('answers 405 problem+json to another method', async () => {
    const response = await fixture.client.request('POST', '/openapi.json', { body: {} });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('lets a citizen through the JWT-authorised route only with a valid token, checked by the handler', async () => {
    const token = await fixture.client.citizenToken('citizen-openapi');
    const withToken = await fixture.client.request('GET', '/v1/submissions/sub_unknown', { token });
    const forged = await fixture.client.request('GET', '/v1/submissions/sub_unknown', { token: `${token.slice(0, -4)}AAAA` });
    const without = await fixture.client.request('GET', '/v1/submissions/sub_unknown');
    expect(withToken.status).toBe(404);
    expect(forged.status).toBe(401);
    expect(without.status).toBe(401);
    expect(without.headers.get('content-type')).toBe('application/problem+json');
  });
});
