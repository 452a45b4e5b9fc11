import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApiDocument } from '../../lambdas/api/openapi-document';
import { parseChangeOfAddressRequest } from '../../lambdas/domain/change-of-address-request';
import { PROJECT_ROOT } from '../../lib/service-function';

const committed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs', 'openapi.json'), 'utf8'));
const document = buildOpenApiDocument() as any;

describe('the OpenAPI document', () => {
  it('is committed as generated from the schemas (run `npm run openapi` after changing them)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(committed);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of the API with how it is authenticated', () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
      .flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${p}`, op.security]));
    expect(Object.fromEntries(operations)).toMatchObject({
      'POST /v1/submissions': [{ citizen: [] }],
      'GET /v1/submissions/{submissionId}': [{ citizen: [] }],
      'GET /v1/departments': [],
      'PUT /v1/departments/{departmentId}': [{ operator: [] }],
      'POST /v1/departments/{departmentId}/signing-secrets': [{ operator: [] }],
      'POST /v1/notifications/{notificationId}/confirmation': [{ department: [] }],
      'GET /openapi.json': [],
    });
  });

  it('states the request rules the validating schemas enforce', () => {
    const request = document.components.schemas.ChangeOfAddressRequest;
    expect(request.required).toEqual(['type', 'person', 'previousAddress', 'newAddress', 'movedOn', 'departments']);
    expect(request.additionalProperties).toBe(false);
    expect(request.properties.departments).toMatchObject({ minItems: 1, items: { pattern: '^[a-z0-9-]{2,40}$' } });
    expect(request.properties.person.properties.dateOfBirth.format).toBe('date');
    const department = document.components.schemas.DepartmentConfiguration;
    expect(department.properties.confirmation.properties.timeoutSeconds).toMatchObject({ minimum: 1, maximum: 31536000, default: 604800 });
    expect(document.components.schemas.DepartmentAnswer.properties.reason.maxLength).toBe(500);
  });

  it('documents a body the service accepts: the contract\'s own example fits the schema\'s required fields', () => {
    const example = {
      type: 'address.changed',
      person: { givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1985-12-10' },
      previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
      newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
      movedOn: '2026-01-20',
      departments: ['hmrc'],
    };
    expect(parseChangeOfAddressRequest(example).ok).toBe(true);
    expect(Object.keys(example).sort()).toEqual([...document.components.schemas.ChangeOfAddressRequest.required].sort());
  });
});
