import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from '@smithy/core/client';
import { authorisationRequests, type LocalResourceDirectory } from './aws-request-authorisation';
import { allowingStatements, evaluatePolicies, type AuthorisationRequest, type PolicyStatement } from './iam-policy-evaluator';
import type { CloudFormationTemplate } from './synthesized-template';
import {
  keyPolicyStatements,
  kmsKeyArns,
  LOCAL_ACCOUNT,
  localKeyArn,
  localRoleArn,
  rolePolicyStatements,
  tableKeys,
} from './template-resources';

/** Whose permissions a call is made with: a function's execution role, or another role of the template. */
export interface Principal {
  /** e.g. `WorkflowDeliverNotificationFunction4E54AC6E`, or the state machine's role. */
  readonly name: string;
  readonly roleLogicalId: string;
}

/** One grant: one action pattern on one resource pattern of one statement of a principal's policies. */
export interface Grant {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly condition?: unknown;
}

export interface Denial {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
}

/**
 * Actions granted for what AWS does on a function's or state machine's behalf, outside any SDK
 * call of ours (X-Ray segments, CloudWatch Logs delivery): they cannot be observed here.
 */
const SERVICE_SIDE_ACTIONS = /^(xray:|logs:)/;
/** A grant for CloudWatch Logs' own use of the key (log delivery), conditioned on a logs ARN. */
const forLogDelivery = (grant: Grant) => JSON.stringify(grant.condition ?? '').includes(':logs:');

export class AccessDeniedException extends Error {
  override readonly name = 'AccessDeniedException';
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(principal: Principal, request: AuthorisationRequest, reason: string) {
    super(
      `User: arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${principal.roleLogicalId}/${principal.name} is not authorized to perform: ${request.action} on resource: ${request.resource} because ${reason}`,
    );
  }
}

interface CallContext {
  readonly iam: LocalIam;
  readonly principal: Principal;
}

const callers = new AsyncLocalStorage<CallContext>();
/** Allowed requests remembered at most (a few MB), then forgotten all at once. */
const ALLOWED_REQUESTS_KEPT = 10_000;
let guardInstalled = false;

/** The local function whose invocation this code runs in (its logical id), if any: for observers such as the bench. */
export const currentLocalFunction = (): string | undefined => callers.getStore()?.principal.name;

/**
 * Every AWS SDK v3 client extends smithy's `Client`: wrapping its `send` sees every call a local
 * function makes (DynamoDB, Step Functions, SES, KMS, any client added later), while the
 * invocation's AsyncLocalStorage names the calling function. A refused call rejects with an
 * AccessDeniedException before any request is sent, as AWS would answer it.
 */
function installSendGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  const send = Client.prototype.send as (...args: any[]) => any;
  (Client.prototype as any).send = function guardedSend(this: Client<any, any, any, any>, command: any, ...rest: any[]) {
    const caller = callers.getStore();
    if (caller) {
      const config = (this as any).config ?? {};
      const signingName = String(config.defaultSigningName ?? config.serviceId ?? 'unknown').toLowerCase();
      const denial = caller.iam.authorise(
        caller.principal,
        authorisationRequests(signingName, command.constructor.name, command.input, caller.iam.directory),
      );
      if (denial) {
        const callback = rest.find((r) => typeof r === 'function');
        if (callback) {
          callback(denial);
          return undefined;
        }
        return Promise.reject(denial);
      }
    }
    return send.call(this, command, ...rest);
  };
}

/**
 * IAM as AWS applies it, on one machine: each local function's calls are evaluated against its
 * execution role's policies from the synthesized template, and KMS calls against the key policy
 * too. It records every grant used and every call refused, so tests can measure least privilege.
 */
export class LocalIam {
  readonly directory: LocalResourceDirectory;
  private readonly statements = new Map<string, PolicyStatement[]>();
  private readonly keyPolicies = new Map<string, Array<PolicyStatement & { Principal?: any }>>();
  private readonly used = new Set<string>();
  readonly denials: Denial[] = [];

  constructor(
    private readonly template: CloudFormationTemplate,
    stateMachineArn: string,
  ) {
    installSendGuard();
    const keys = kmsKeyArns(template);
    for (const [arn, logicalId] of keys) this.keyPolicies.set(arn, keyPolicyStatements(template, logicalId));
    this.directory = {
      tables: tableKeys(template),
      stateMachineArn,
      keyArn: (keyId: string) =>
        keyId.startsWith('arn:aws:kms:') && !keyId.includes(':alias/') ? keyId : localKeyArn(keyId.replace(/^.*alias\//, '')),
    };
  }

  private statementsOf(principal: Principal): PolicyStatement[] {
    let statements = this.statements.get(principal.roleLogicalId);
    if (!statements) {
      statements = rolePolicyStatements(this.template, principal.roleLogicalId);
      this.statements.set(principal.roleLogicalId, statements);
    }
    return statements;
  }

  /** Requests allowed so far (principal, role and request), to answer a repeated one at once. */
  private readonly allowedRequests = new Set<string>();

  /** Each statement's grants and their keys, by principal: computed once, not for every request. */
  private readonly statementGrants = new Map<string, WeakMap<PolicyStatement, Array<{ grant: Grant; key: string }>>>();

  private grantsOfStatement(principal: string, statement: PolicyStatement): Array<{ grant: Grant; key: string }> {
    let byStatement = this.statementGrants.get(principal);
    if (!byStatement) {
      byStatement = new WeakMap();
      this.statementGrants.set(principal, byStatement);
    }
    let grants = byStatement.get(statement);
    if (!grants) {
      grants = grantsOf(principal, statement).map((grant) => ({ grant, key: grantKey(grant) }));
      byStatement.set(statement, grants);
    }
    return grants;
  }

  /** Runs a local invocation with the function's permissions: every SDK call inside is checked. */
  runAs<T>(principal: Principal, work: () => Promise<T>): Promise<T> {
    return callers.run({ iam: this, principal }, work);
  }

  /** The first request AWS would refuse, as the error AWS gives; undefined when all are allowed. */
  authorise(principal: Principal, requests: readonly AuthorisationRequest[]): AccessDeniedException | undefined {
    for (const request of requests) {
      // The same request by the same principal has the same answer (policies are fixed for a run),
      // and its grants are marked used already: only the first of each is evaluated.
      const allowedKey = `${principal.name}\u0000${principal.roleLogicalId}\u0000${JSON.stringify(request)}`;
      if (this.allowedRequests.has(allowedKey)) {
        if (process.env.TUO_IAM_USAGE_LOG)
          appendFileSync(process.env.TUO_IAM_USAGE_LOG, `${JSON.stringify({ principal: principal.name, ...request })}\n`);
        continue;
      }
      const statements = this.statementsOf(principal);
      const identity = evaluatePolicies(statements, request);
      let allowed = identity === 'Allow';
      let reason =
        identity === 'ExplicitDeny' ? 'an explicit deny in an identity-based policy' : 'no identity-based policy allows the action';
      const keyPolicy = request.action.startsWith('kms:') ? this.keyPolicies.get(request.resource) : undefined;
      if (keyPolicy && identity !== 'ExplicitDeny') {
        // KMS: the key policy must allow the role itself, or the account (which delegates to IAM).
        const forPrincipal = (arn: string) => keyPolicy.filter((s) => principalsOf(s).includes(arn));
        const direct = evaluatePolicies(forPrincipal(localRoleArn(principal.roleLogicalId)), request);
        const account = evaluatePolicies(forPrincipal(`arn:aws:iam::${LOCAL_ACCOUNT}:root`), request);
        if (direct === 'ExplicitDeny' || account === 'ExplicitDeny') {
          allowed = false;
          reason = 'an explicit deny in the key policy';
        } else if (direct === 'Allow') allowed = true;
        else if (account !== 'Allow') {
          allowed = false;
          reason = 'the key policy does not allow the action';
        }
      }
      if (!allowed) {
        this.denials.push({ principal: principal.name, action: request.action, resource: request.resource });
        return new AccessDeniedException(principal, request, reason);
      }
      // A trail of every allowed request, to write a new function's declaration from (docs/architecture.md).
      if (process.env.TUO_IAM_USAGE_LOG)
        appendFileSync(process.env.TUO_IAM_USAGE_LOG, `${JSON.stringify({ principal: principal.name, ...request })}\n`);
      for (const statement of allowingStatements(statements, request)) {
        for (const { grant, key } of this.grantsOfStatement(principal.name, statement)) {
          // A grant seen used stays used: only the others need matching against this request.
          if (!this.used.has(key) && matchesGrant(grant, request)) this.used.add(key);
        }
      }
      // Bounded: requests naming a partition (dynamodb:LeadingKeys) are mostly new ones.
      if (this.allowedRequests.size >= ALLOWED_REQUESTS_KEPT) this.allowedRequests.clear();
      this.allowedRequests.add(allowedKey);
    }
    return undefined;
  }

  /** Every grant of these principals that this machine can observe being used. */
  grants(principals: readonly Principal[]): Grant[] {
    return principals
      .flatMap((p) =>
        this.statementsOf(p)
          .filter((s) => s.Effect === 'Allow')
          .flatMap((s) => grantsOf(p.name, s)),
      )
      .filter((g) => !SERVICE_SIDE_ACTIONS.test(g.action) && !forLogDelivery(g));
  }

  /**
   * For the suite's least-privilege measurement (test/least-privilege.test.ts): when
   * TUO_IAM_USAGE_DIR is set, writes the grants, the ones used and the calls refused there.
   */
  writeUsage(principals: readonly Principal[]): void {
    const dir = process.env.TUO_IAM_USAGE_DIR;
    if (!dir) return;
    const usage = { grants: this.grants(principals).map(grantKey), used: [...this.used], denials: this.denials };
    try {
      writeFileSync(path.join(dir, `${process.pid}-${randomUUID()}.json`), JSON.stringify(usage));
    } catch {
      // The directory belongs to a finished test run; nothing to measure into.
    }
  }

  /** Grants among `grants(principals)` that no allowed call has used so far. */
  unusedGrants(principals: readonly Principal[]): Grant[] {
    return this.grants(principals).filter((g) => !this.used.has(grantKey(g)));
  }
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value as T];

function principalsOf(statement: { Principal?: any }): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  return list(principal?.AWS).map(String);
}

function grantsOf(principal: string, statement: PolicyStatement): Grant[] {
  return list(statement.Action).flatMap((action) =>
    list(statement.Resource).map((resource) => ({
      principal,
      action,
      resource,
      ...(statement.Condition ? { condition: statement.Condition } : {}),
    })),
  );
}

function matchesGrant(grant: Grant, request: AuthorisationRequest): boolean {
  const single: PolicyStatement = {
    Effect: 'Allow',
    Action: grant.action,
    Resource: grant.resource,
    Condition: grant.condition as PolicyStatement['Condition'],
  };
  return evaluatePolicies([single], request) === 'Allow';
}

export const grantKey = (g: Grant) => JSON.stringify([g.principal, g.action, g.resource, g.condition ?? null]);
