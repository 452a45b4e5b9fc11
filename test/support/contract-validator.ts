import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const DOCUMENT_ID = 'https://tell-us-once.invalid/openapi.json';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * Checks answers against the OpenAPI document the service itself serves (JSON Schema 2020-12):
 * a documented status must match its documented body; any other problem+json must be a Problem.
 * So the code and the published contract cannot drift apart unnoticed.
 */
export class ContractValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ pattern: RegExp; methods: Record<string, Operation> }>;

  constructor(document: { paths: Record<string, Record<string, Operation>> }) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, ...document });
    this.routes = Object.entries(document.paths).map(([path, methods]) => ({
      pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      methods,
    }));
  }

  /** What is wrong with this answer, or undefined when it keeps to the document. */
  check(method: string, pathAndQuery: string, status: number, contentType: string | null, text: string): string | undefined {
    const path = pathAndQuery.split('?')[0];
    const operation = this.routes.find((r) => r.pattern.test(path))?.methods[method.toLowerCase()];
    const mediaType = (contentType ?? '').split(';')[0].trim();
    const documented = operation?.responses?.[String(status)];
    let schema: unknown;
    if (documented) {
      if (!documented.content) return text.length === 0 ? undefined : `${status} is documented without a body, but one was sent`;
      schema = documented.content[mediaType]?.schema;
      if (!schema)
        return `${status} is documented as ${Object.keys(documented.content).join(' or ')}, but ${mediaType || 'no content type'} was sent`;
    } else if (status >= 400) {
      if (mediaType !== 'application/problem+json')
        return `${status} must be application/problem+json, not ${mediaType || 'no content type'}`;
      schema = { $ref: '#/components/schemas/Problem' };
    } else if (operation) {
      return `${method} ${path} answered ${status}, which the document does not list`;
    } else {
      return undefined; // Not an API route (web pages, demo receivers): not described by the document.
    }
    const validate = this.validatorFor(schema);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `the body is not JSON: ${text.slice(0, 100)}`;
    }
    if (validate(body)) return undefined;
    return `${this.ajv.errorsText(validate.errors)} in ${text.slice(0, 500)}`;
  }

  private validatorFor(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      // The document's references are relative to itself.
      validate = this.ajv.compile(JSON.parse(key.replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`)));
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
