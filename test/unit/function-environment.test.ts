import { checkEnvironment, ENVIRONMENT_VARIABLES, FUNCTIONS } from '../../lambdas/function-declarations';

/** Each function's environment is checked at cold start, and each setting read by its one schema. */
describe('function environment', () => {
  const declaration = FUNCTIONS.submissionsApi;

  it('stops a function whose variable is missing or malformed, naming the variable', () => {
    const env = Object.fromEntries(declaration.environment.map((name) => [name, 'x']));
    expect(() => checkEnvironment(declaration, { ...env, PUBLIC_BASE_URL: 'not a url', TABLE_NAME: undefined })).toThrow(
      /PUBLIC_BASE_URL: Invalid URL.*TABLE_NAME: Invalid input: expected string, received undefined|TABLE_NAME: Invalid input: expected string, received undefined.*PUBLIC_BASE_URL: Invalid URL/,
    );
  });

  it('reads each setting as declared: defaults, flags, lists, trimmed URLs', () => {
    expect(ENVIRONMENT_VARIABLES.TUO_TIME_SCALE.parse(undefined)).toBe(1);
    expect(ENVIRONMENT_VARIABLES.TUO_TIME_SCALE.parse('0.001')).toBe(0.001);
    expect(ENVIRONMENT_VARIABLES.TUO_TIME_SCALE.safeParse('0').success).toBe(false);
    expect(ENVIRONMENT_VARIABLES.RETENTION_SECONDS.parse(undefined)).toBe(30 * 86_400);
    expect(ENVIRONMENT_VARIABLES.TUO_ALLOW_LOOPBACK_WEBHOOKS.parse('TRUE')).toBe(true);
    expect(ENVIRONMENT_VARIABLES.TUO_ALLOW_LOOPBACK_WEBHOOKS.parse(undefined)).toBe(false);
    expect(ENVIRONMENT_VARIABLES.OPERATOR_ROLE_ARNS.parse(' arn:a , arn:b,')).toEqual(['arn:a', 'arn:b']);
    expect(ENVIRONMENT_VARIABLES.PUBLIC_BASE_URL.parse('https://api.example//')).toBe('https://api.example');
    expect(ENVIRONMENT_VARIABLES.STATE_MACHINE_ARN.safeParse('arn:aws:states:eu-west-2:123456789012:stateMachine:m').success).toBe(true);
    expect(ENVIRONMENT_VARIABLES.STATE_MACHINE_ARN.safeParse('arn:aws:lambda:eu-west-2:123456789012:function:f').success).toBe(false);
  });
});
