import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOpenApiDocument } from '../../lambdas/api/openapi-document';
import { parseChangeOfAddressRequest } from '../../lambdas/domain/change-of-address-request';
import { PROJECT_ROOT } from '../../lib/service-function';

const committed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs', 'openapi.json'), 'utf8'));
const document = buildOpenApiDocument() as any;

/**
 * @seriousme/openapi-schema-validator (OpenAPI 2.0 to 3.1, JSON Schema by ajv), through its own CLI:
 * the package is ES modules only, which jest's CommonJS runtime cannot load.
 */
function validateOpenApi(file: string): { valid: boolean; errors?: unknown[] } {
  const cli = path.join(PROJECT_ROOT, 'node_modules', '@seriousme', 'openapi-schema-validator', 'bin', 'validate-api-cli.js');
  const run = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
  if (!run.stdout.trim()) throw new Error(`validate-api printed nothing: ${run.stderr}`);
  return JSON.parse(run.stdout); // exits non-zero when the document is invalid
}

describe('the OpenAPI document', () => {
  it('is committed as generated from the schemas (run `npm run openapi` after changing them)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('is valid OpenAPI 3.1', () => {
    expect(committed.openapi).toMatch(/^3\.1\./);
    const result = validateOpenApi(path.join(PROJECT_ROOT, 'docs', 'openapi.json'));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('would be caught by the validator if it were broken', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tuo-openapi-'));
    try {
      const broken = { ...committed, paths: { '/v1/departments': { get: { responses: { 200: { content: {} } } } } } };
      writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
      expect(validateOpenApi(path.join(dir, 'broken.json')).valid).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes every route of the API with how it is authenticated', () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([p, methods]) =>
      Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${p}`, op.security]),
    );
    expect(Object.fromEntries(operations)).toMatchObject({
      'POST /v1/submissions': [{ citizen: [] }],
      'GET /v1/submissions/{submissionId}': [{ citizen: [] }],
      'GET /v1/departments': [],
      'PUT /v1/departments/{departmentId}': [{ operator: [] }],
      'POST /v1/departments/{departmentId}/signing-secrets': [{ operator: [] }],
      'POST /v1/departments/{departmentId}/api-keys': [{ operator: [] }],
      'GET /v1/departments/{departmentId}/changes': [{ operator: [] }],
      'POST /v1/notifications/{notificationId}/confirmation': [{ department: [] }],
      'GET /openapi.json': [],
      'GET /v1/submissions/{submissionId}/receipt': [{ citizen: [] }],
      'GET /.well-known/jwks.json': [],
    });
  });

  it('states the request rules the validating schemas enforce', () => {
    const request = document.components.schemas.ChangeOfAddressRequest;
    expect(request.required).toEqual(['type', 'person', 'previousAddress', 'newAddress', 'movedOn', 'departments']);
    expect(request.additionalProperties).toBe(false);
    expect(request.properties.departments).toMatchObject({ minItems: 1, items: { pattern: '^[a-z0-9-]{2,40}$' } });
    expect(request.properties.person.properties.dateOfBirth.format).toBe('date');
    const department = document.components.schemas.DepartmentConfiguration;
    expect(department.properties.confirmation.properties.timeoutSeconds).toMatchObject({ minimum: 1, maximum: 15552000, default: 604800 });
    expect(document.components.schemas.DepartmentAnswer.properties.reason.maxLength).toBe(500);
  });

  it('requires exactly what the validating schema requires: a minimal valid body has the documented required fields', () => {
    const minimal = {
      type: 'address.changed',
      person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1985-12-10' },
      previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
      newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
      movedOn: '2026-01-20',
      departments: ['hmrc'],
    };
    expect(parseChangeOfAddressRequest(minimal).ok).toBe(true);
    expect(Object.keys(minimal).sort()).toEqual([...document.components.schemas.ChangeOfAddressRequest.required].sort());
    expect(Object.keys(minimal.person).sort()).toEqual(
      [...document.components.schemas.ChangeOfAddressRequest.properties.person.required].sort(),
    );
  });
});
