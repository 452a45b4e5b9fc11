import { submitChangeOfAddress } from '../../lambdas/application/submit-change-of-address';
import type { WorkflowInput } from '../../lambdas/domain/workflow-runs';
import type { ChangeOfAddressRequest } from '../../lambdas/domain/change-of-address-request';
import type { EntitleableField } from '../../lambdas/domain/entitlement';
import { InMemoryMetrics } from '../../lambdas/observability/in-memory-metrics';
import { inMemoryRepositories } from '../../lambdas/store/in-memory/in-memory-repositories';
import type { DepartmentRecord } from '../../lambdas/domain/department';
import type { SubmissionRecord } from '../../lambdas/domain/submission';

export const ALL_FIELDS: EntitleableField[] = [
  'person.givenName',
  'person.familyName',
  'person.dateOfBirth',
  'person.nationalInsuranceNumber',
  'person.email',
  'previousAddress',
  'newAddress',
  'movedOn',
];

/** A valid, normalised change of address (as the request schema outputs it). */
export function changeOfAddress(departments: string[], overrides: Partial<ChangeOfAddressRequest> = {}): ChangeOfAddressRequest {
  return {
    type: 'address.changed',
    person: {
      givenName: 'Ada',
      familyName: 'Lovelace',
      dateOfBirth: '1985-12-10',
      nationalInsuranceNumber: 'AB123456C',
      email: 'ada@example.org',
    },
    previousAddress: { line1: '1 Old Street', town: 'Leeds', postcode: 'LS1 1AA' },
    newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
    movedOn: '2026-11-20',
    departments,
    ...overrides,
  };
}

/**
 * The service's use cases on in-memory repositories, with a clock the test moves and a workflow
 * service that records what was started (by name: starting a name twice starts it once).
 */
export function inMemoryService(start = '2026-12-01T10:00:00.000Z') {
  const repositories = inMemoryRepositories();
  let clock = Date.parse(start);
  const started = new Map<string, WorkflowInput>();
  const startWorkflow = async (name: string, input: WorkflowInput) => {
    if (!started.has(name)) started.set(name, input);
  };
  const now = () => new Date(clock);
  /** What the use cases counted (the metrics port, in memory). */
  const metrics = new InMemoryMetrics();
  const deps = { ...repositories, startWorkflow, now, metrics };

  const addDepartment = async (id: string, overrides: Partial<DepartmentRecord> = {}): Promise<DepartmentRecord> => {
    const department: DepartmentRecord = {
      id,
      name: `Department ${id}`,
      description: '',
      webhookUrl: `https://${id}.example.gov.uk/hooks`,
      delivery: 'push',
      events: ['address.changed'],
      fields: ['person.givenName', 'person.familyName', 'newAddress'],
      confirmation: { required: true, timeoutSeconds: 3600 },
      adapter: { type: 'standard-webhooks' },
      suspended: false,
      active: true,
      signingSecrets: [{ secret: 'whsec_dGVzdA==', createdAt: start }],
      apiKeys: [],
      createdAt: start,
      updatedAt: start,
      ...overrides,
    };
    await repositories.departments.create(department);
    return department;
  };

  /** A citizen's submission, accepted (the test fails here otherwise). */
  const submit = async (
    citizenId: string,
    idempotencyKey: string,
    request: ChangeOfAddressRequest,
    fingerprint = `fp-${idempotencyKey}`,
  ) => {
    const outcome = await submitChangeOfAddress(deps, citizenId, idempotencyKey, request, fingerprint);
    if (outcome.kind !== 'accepted') throw new Error(`Not accepted: ${JSON.stringify(outcome)}`);
    return outcome;
  };

  /** What the workflow does when the department's endpoint answers 2xx to a push. */
  const deliverByPush = async (notificationId: string) => {
    const sent = await repositories.notifications.recordAttemptStarted(notificationId, now());
    if (!sent) throw new Error(`${notificationId} is not PENDING`);
    return (await repositories.notifications.markDelivered(sent, now(), 'push')).notification;
  };

  const submission = async (id: string): Promise<SubmissionRecord> => {
    const found = await repositories.submissions.get(id);
    if (!found) throw new Error(`No submission ${id}`);
    return found;
  };

  return {
    ...repositories,
    deps,
    now,
    advance: (ms: number) => {
      clock += ms;
    },
    started,
    metrics,
    addDepartment,
    submit,
    deliverByPush,
    submission,
  };
}
