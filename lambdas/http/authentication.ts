import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { DepartmentRepository } from '../store/department-repository';
import { unretired, type DepartmentRecord } from '../domain/department';
import { serviceSettings } from '../service-settings';
import { HttpProblem } from './http-responses';
import { header } from './request-body';
import { issuerKeySet } from './issuer-key-set';

function bearerToken(event: APIGatewayProxyEventV2): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(event, 'authorization') ?? '');
  return match?.[1];
}

function unauthorised(detail: string): HttpProblem {
  return HttpProblem.of(401, detail, undefined, { 'www-authenticate': 'Bearer' });
}

let keySet: JWTVerifyGetKey | undefined;
let keySetUrl: string | undefined;

/**
 * Claims only an OpenID Connect ID token carries: an ID token says who signed in to the client, it
 * is not an access token for this API, even when signed by the same issuer for the same audience.
 */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'];

/**
 * The citizen's id (`sub`) from an OpenID Connect access token, verified for signature, issuer,
 * audience and expiry, as the API Gateway JWT authorizer sees it: RS256 only (the authorizer takes
 * RSA keys only), `exp` and `sub` required, ID tokens refused. Development tokens on one machine
 * take exactly this path.
 */
export async function authenticateCitizen(event: APIGatewayProxyEventV2): Promise<string> {
  const token = bearerToken(event);
  if (!token) throw unauthorised('Sign in: send Authorization: Bearer <token>.');
  if (!keySet || keySetUrl !== serviceSettings.oidcJwksUrl) {
    keySetUrl = serviceSettings.oidcJwksUrl;
    keySet = issuerKeySet(new URL(keySetUrl));
  }
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keySet, {
      issuer: serviceSettings.oidcIssuer,
      audience: serviceSettings.oidcAudience,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'sub'],
    });
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new Error('no subject');
    const isIdToken =
      ID_TOKEN_CLAIMS.some((claim) => claim in payload) ||
      payload.token_use === 'id' ||
      String(protectedHeader.typ ?? '').toLowerCase() === 'id_token';
    if (isIdToken) throw new Error('an ID token, not an access token');
    return payload.sub;
  } catch {
    throw unauthorised('The access token is not valid or has expired.');
  }
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** API keys name their department (`tuo.<departmentId>.<secret>`), so one read finds the hash to compare. */
export function departmentIdOfApiKey(apiKey: string): string | undefined {
  return /^tuo\.([a-z0-9-]{2,40})\.[A-Za-z0-9_-]{20,}$/.exec(apiKey)?.[1];
}

/**
 * The department whose API key was presented: one of its keys not yet retired. Every key of a
 * suspended department answers 401 (a department disabled by a 410 may still answer and list).
 */
export async function authenticateDepartment(
  event: APIGatewayProxyEventV2,
  departments: Pick<DepartmentRepository, 'get'>,
  now = new Date(),
): Promise<DepartmentRecord> {
  const refused = unauthorised('Send your department API key as Authorization: Bearer <apiKey>.');
  const apiKey = bearerToken(event);
  const departmentId = apiKey && departmentIdOfApiKey(apiKey);
  const department = departmentId ? await departments.get(departmentId) : undefined;
  if (!apiKey || !department) throw refused;
  const presented = Buffer.from(hashApiKey(apiKey), 'hex');
  // Every key is compared, so the time taken does not tell which one (if any) matched.
  const matches = unretired(department.apiKeys ?? [], now).map((key) => {
    const stored = Buffer.from(key.hash, 'hex');
    return presented.length === stored.length && timingSafeEqual(presented, stored);
  });
  if (!matches.includes(true) || department.suspended === true) throw refused;
  return department;
}

/** `account/role-name` of an IAM role ARN, or of the role behind an assumed-role session ARN. */
export function roleOf(arn: string): string | undefined {
  const session = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (session) return `${session[1]}/${session[2]}`;
  const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return role ? `${role[1]}/${role[2]}` : undefined;
}

/**
 * Operator routes are authorised by API Gateway with IAM on AWS; the one-machine gateway sets the
 * same context when the admin token is presented. No IAM context means the route was not authorised.
 * IAM lets through any principal allowed execute-api:Invoke, so where operator roles are listed
 * (context `operatorRoleArns`) a caller not acting in one of them is refused. Returns who it is.
 */
export function authenticateOperator(
  event: APIGatewayProxyEventV2,
  allowedRoleArns: readonly string[] = serviceSettings.operatorRoleArns,
): string {
  const authorizer = (event.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer;
  if (!authorizer?.iam) throw unauthorised('This route is for operators.');
  const caller = authorizer.iam.userArn ?? 'unknown';
  if (allowedRoleArns.length > 0) {
    const role = roleOf(caller);
    if (!role || !allowedRoleArns.some((arn) => roleOf(arn) === role)) {
      throw HttpProblem.of(403, 'This route is for operators: your IAM role is not one of the operator roles.');
    }
  }
  return caller;
}
