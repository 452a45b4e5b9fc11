import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problem, type FieldError } from '../domain/problem-details';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** An RFC 9457 problem answer; `errors` name the fields at fault by JSON Pointer. */
export function problemResponse(status: number, detail: string, errors?: FieldError[], headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(problem(status, detail, errors)),
  };
}

/** Thrown by request parsing and authentication to end a request with a problem answer. */
export class HttpProblem extends Error {
  constructor(readonly response: HttpResponse) {
    super(`HTTP ${response.statusCode}`);
    this.name = 'HttpProblem';
  }

  static of(status: number, detail: string, errors?: FieldError[], headers?: Record<string, string>): HttpProblem {
    return new HttpProblem(problemResponse(status, detail, errors, headers));
  }
}
