/**
 * An IAM policy evaluator for the subset of the policy language the synthesized template uses:
 * Allow and Deny; Action/NotAction and Resource/NotResource with `*` and `?` wildcards; the String,
 * Arn and Bool condition operators with the IfExists suffix and the ForAllValues/ForAnyValue
 * qualifiers. Anything else in a policy is refused loudly (an error), never guessed at.
 *
 * test/unit/iam-policy-evaluator.test.ts cross-checks it against @cloud-copilot/iam-simulate on
 * generated policies and requests.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[] | boolean>>;
}

export interface AuthorisationRequest {
  /** `service:Operation`, e.g. `dynamodb:GetItem`. */
  readonly action: string;
  /** The ARN as AWS forms it for this action. */
  readonly resource: string;
  /** Condition keys and their values for this request (multi-valued keys as arrays). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value as T];

/** IAM's glob: `*` any run of characters, `?` exactly one; nothing else is special. */
function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

/**
 * Compiled globs by pattern: every AWS SDK call of every local function is evaluated against its
 * role's policies, and compiling the same few hundred patterns for each call was a tenth of the
 * one-machine service's CPU. Policies are fixed for a run, so this stays small.
 */
const compiledGlobs = new Map<string, RegExp>();

function globMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  if (pattern === '*') return true;
  const key = caseInsensitive ? `i${pattern}` : `s${pattern}`;
  let compiled = compiledGlobs.get(key);
  if (!compiled) {
    compiled = globToRegExp(pattern, caseInsensitive);
    compiledGlobs.set(key, compiled);
  }
  return compiled.test(value);
}

/** ArnLike: the six colon-separated parts are matched one by one (the last may itself hold colons). */
function arnLike(pattern: string, value: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (!p || !v) return false;
  return p.every((part, i) => globMatches(part, v[i]));
}

type ValueTest = (policyValue: string, requestValue: string) => boolean;

const OPERATORS: Record<string, { test: ValueTest; negated: boolean }> = {
  StringEquals: { test: (p, v) => p === v, negated: false },
  StringNotEquals: { test: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { test: (p, v) => globMatches(p, v), negated: false },
  StringNotLike: { test: (p, v) => globMatches(p, v), negated: true },
  ArnEquals: { test: (p, v) => arnLike(p, v), negated: false },
  ArnLike: { test: (p, v) => arnLike(p, v), negated: false },
  ArnNotEquals: { test: (p, v) => arnLike(p, v), negated: true },
  ArnNotLike: { test: (p, v) => arnLike(p, v), negated: true },
  Bool: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

function contextValue(context: AuthorisationRequest['context'], key: string): readonly string[] | undefined {
  if (!context) return undefined;
  const lower = key.toLowerCase();
  const entry = Object.entries(context).find(([k]) => k.toLowerCase() === lower);
  return entry === undefined ? undefined : list(entry[1]);
}

function conditionHolds(operatorName: string, key: string, policyValues: readonly string[], request: AuthorisationRequest): boolean {
  let name = operatorName;
  let qualifier: 'ForAllValues' | 'ForAnyValue' | undefined;
  const qualified = /^(ForAllValues|ForAnyValue):(.+)$/.exec(name);
  if (qualified) {
    qualifier = qualified[1] as 'ForAllValues' | 'ForAnyValue';
    name = qualified[2];
  }
  const ifExists = name.endsWith('IfExists');
  if (ifExists) name = name.slice(0, -'IfExists'.length);
  const operator = OPERATORS[name];
  if (!operator) throw new Error(`The local IAM evaluator does not support the condition operator ${operatorName}`);
  const values = contextValue(request.context, key);
  const matchesAny = (value: string) => policyValues.some((p) => operator.test(p, value));

  if (qualifier === 'ForAllValues') {
    // Every request value must match (negated: match none); no values at all satisfies it.
    if (!values || values.length === 0) return true;
    return values.every((v) => (operator.negated ? !matchesAny(v) : matchesAny(v)));
  }
  if (qualifier === 'ForAnyValue') {
    if (!values || values.length === 0) return false;
    return values.some((v) => (operator.negated ? !matchesAny(v) : matchesAny(v)));
  }
  if (!values || values.length === 0) return ifExists || operator.negated;
  // A single-valued operator on the key's (one) value.
  return operator.negated ? !values.some(matchesAny) : values.some(matchesAny);
}

function statementApplies(statement: PolicyStatement, request: AuthorisationRequest): boolean {
  const actionMatches = (patterns: readonly string[]) => patterns.some((p) => globMatches(p, request.action, true));
  if (statement.Action !== undefined && !actionMatches(list(statement.Action))) return false;
  if (statement.NotAction !== undefined && actionMatches(list(statement.NotAction))) return false;
  if (statement.Action === undefined && statement.NotAction === undefined) return false;
  const resourceMatches = (patterns: readonly string[]) => patterns.some((p) => globMatches(p, request.resource));
  if (statement.Resource !== undefined && !resourceMatches(list(statement.Resource))) return false;
  if (statement.NotResource !== undefined && resourceMatches(list(statement.NotResource))) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      const policyValues = list(value).map(String);
      if (!conditionHolds(operator, key, policyValues, request)) return false;
    }
  }
  return true;
}

/** The statements that allow the request, for measuring which grants are used. */
export function allowingStatements(statements: readonly PolicyStatement[], request: AuthorisationRequest): PolicyStatement[] {
  return statements.filter((s) => s.Effect === 'Allow' && statementApplies(s, request));
}

/** An explicit Deny wins; otherwise an Allow allows; otherwise the request is implicitly denied. */
export function evaluatePolicies(statements: readonly PolicyStatement[], request: AuthorisationRequest): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (!statementApplies(statement, request)) continue;
    if (statement.Effect === 'Deny') return 'ExplicitDeny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}
