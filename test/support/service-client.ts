import { ContractValidator } from './contract-validator';

/**
 * A thin client of the public contract for tests: plain fetch, nothing hidden. Every answer it
 * receives is checked against the OpenAPI document the service serves; one that does not keep to
 * it fails the test.
 */
export class ServiceClient {
  private validator?: Promise<ContractValidator>;

  constructor(
    readonly baseUrl: string,
    readonly adminToken: string,
  ) {}

  private contract(): Promise<ContractValidator> {
    this.validator ??= fetch(`${this.baseUrl}/openapi.json`)
      .then(async (response) => {
        if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
        return new ContractValidator(await response.json());
      })
      .catch((error) => {
        this.validator = undefined; // Try again with the next answer.
        throw error;
      });
    return this.validator;
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const mismatch = (await this.contract()).check(method, path, response.status, response.headers.get('content-type'), text);
    if (mismatch) throw new Error(`${method} ${path.slice(0, 200)} answered ${response.status} against the OpenAPI document: ${mismatch}`);
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async citizenToken(sub: string): Promise<string> {
    const response = await this.request('POST', '/dev/token', { body: { sub } });
    if (response.status !== 200) throw new Error(`token: ${response.status} ${response.text}`);
    return response.json.access_token as string;
  }

  async registerDepartment(id: string, configuration: Record<string, unknown>) {
    return this.request('PUT', `/v1/departments/${id}`, { token: this.adminToken, body: configuration });
  }

  async submit(token: string, idempotencyKey: string, body: unknown) {
    return this.request('POST', '/v1/submissions', { token, body, headers: { 'idempotency-key': idempotencyKey } });
  }

  async submission(token: string, id: string) {
    return this.request('GET', `/v1/submissions/${id}`, { token });
  }

  /** Polls the submission until `done` holds, or fails after `timeoutMs`. */
  async waitForSubmission(token: string, id: string, done: (s: any) => boolean, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await this.submission(token, id)).json;
      if (last && done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Submission ${id} did not reach the expected state; last seen: ${JSON.stringify(last)}`);
  }
}

export function changeOfAddress(departments: string[], overrides: Record<string, unknown> = {}) {
  return {
    type: 'address.changed',
    person: {
      givenName: 'Ada',
      familyName: 'Lovelace',
      dateOfBirth: '1985-12-10',
      nationalInsuranceNumber: 'AB123456C',
      email: 'ada@example.org',
    },
    previousAddress: { line1: '1 Old Street', line2: '', town: 'Leeds', postcode: 'LS1 1AA' },
    newAddress: { line1: '2 New Road', town: 'York', postcode: 'yo17hh' },
    movedOn: '2026-11-20',
    departments,
    ...overrides,
  };
}
