import { matchesEventPattern } from '../../local/template-resources';

const ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:Workflow';
const rule = {
  source: ['aws.states'],
  'detail-type': ['Step Functions Execution Status Change'],
  detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [ARN] },
};
const event = (detail: Record<string, unknown>) => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  resources: ['x'],
  detail: { stateMachineArn: ARN, ...detail },
});

describe("the one-machine runtime plays the template's event rules as EventBridge matches them", () => {
  it('passes an execution that failed, timed out or was aborted, of this state machine only', () => {
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED']) expect(matchesEventPattern(rule, event({ status }))).toBe(true);
    for (const status of ['RUNNING', 'SUCCEEDED']) expect(matchesEventPattern(rule, event({ status }))).toBe(false);
    expect(matchesEventPattern(rule, event({ status: 'FAILED', stateMachineArn: `${ARN}Other` }))).toBe(false);
    expect(matchesEventPattern(rule, { ...event({ status: 'FAILED' }), source: 'aws.lambda' })).toBe(false);
  });

  it('needs every field the pattern names, and matches an array in the event by any element', () => {
    expect(matchesEventPattern(rule, { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change' })).toBe(false);
    expect(matchesEventPattern({ resources: ['b'] }, { resources: ['a', 'b'] })).toBe(true);
  });

  it('refuses content filters it does not play, rather than misreading them', () => {
    expect(() => matchesEventPattern({ source: [{ prefix: 'aws.' }] }, { source: 'aws.states' })).toThrow(/not supported/);
  });
});
