import {
  reconcileEndedExecution,
  reconcileSubmissions,
  STALE_AFTER_SECONDS,
  type ExecutionState,
  type ReconcileDependencies,
} from '../../lambdas/application/reconcile-submissions';
import type { WorkflowInput } from '../../lambdas/domain/workflow-runs';
import { submitChangeOfAddress } from '../../lambdas/application/submit-change-of-address';
import { submissionIdFor } from '../../lambdas/domain/identifiers';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';
import type { AuditEvent } from '../../lambdas/domain/audit-event';
import type { NotificationStatus } from '../../lambdas/domain/notification-status';
import type { NotificationRecord } from '../../lambdas/domain/notification';
import type { SubmissionRecord } from '../../lambdas/domain/submission';

/** In memory: submissions, notifications, the trail, and the workflow service's executions by name. */
function world() {
  const submissions = new Map<string, SubmissionRecord>();
  const notifications = new Map<string, NotificationRecord>();
  const trail: AuditEvent[] = [];
  const executions = new Map<string, { state: ExecutionState; input: WorkflowInput }>();
  const started: string[] = [];
  const described: string[] = [];
  const deps: ReconcileDependencies = {
    submissions: {
      get: async (id) => submissions.get(id),
      listInProgress: async (scope = {}) =>
        [...submissions.values()].filter(
          (s) => s.status === 'IN_PROGRESS' && (!scope.createdBefore || s.createdAt < scope.createdBefore.toISOString()),
        ),
      beginRecoveryRound: async (id, expected) => {
        const s = submissions.get(id)!;
        if ((s.recoveryRounds ?? 0) !== expected) return false;
        submissions.set(id, { ...s, recoveryRounds: expected + 1 });
        return true;
      },
    },
    notifications: { getMany: async (ids) => ids.map((id) => notifications.get(id)!).filter(Boolean) },
    audit: {
      record: async (event) => {
        if (trail.some((e) => e.key === event.key && e.submissionId === event.submissionId)) return 'already-recorded';
        trail.push(event);
        return 'recorded';
      },
    },
    executionState: async (name) => {
      described.push(name);
      return executions.get(name)?.state ?? 'MISSING';
    },
    startWorkflow: async (name, input) => {
      if (executions.has(name)) return; // ExecutionAlreadyExists: idempotent.
      executions.set(name, { state: 'RUNNING', input });
      started.push(name);
    },
    now: () => new Date('2026-11-29T10:00:00Z'),
  };
  const addSubmission = (
    id: string,
    statuses: NotificationStatus[],
    extra: Partial<SubmissionRecord> = {},
    redeliveries: number[] = [],
  ) => {
    const ids = statuses.map((_, i) => `${id}-n${i}`);
    statuses.forEach((status, i) =>
      notifications.set(ids[i], {
        id: ids[i],
        submissionId: id,
        departmentId: `d${i}`,
        status,
        confirmationRequired: true,
        confirmationTimeoutSeconds: 60,
        entitledFields: ['newAddress'],
        attempts: 1,
        createdAt: '',
        updatedAt: '',
        redeliveries: redeliveries[i] || undefined,
      }),
    );
    submissions.set(id, {
      id,
      reference: 'TUO-TEST-0000',
      type: 'address.changed',
      citizenId: 'c',
      fingerprint: 'f',
      notificationIds: ids,
      status: 'IN_PROGRESS',
      createdAt: '2026-11-29T08:00:00.000Z',
      updatedAt: '',
      ...extra,
    });
  };
  /** What a started execution carries, by notification id. */
  const inputOf = (name: string) => {
    const { submissionId, notifications: carried } = executions.get(name)!.input;
    return { submissionId, notificationIds: carried.map((n) => n.notificationId) };
  };
  return { deps, submissions, notifications, trail, executions, started, described, addSubmission, inputOf };
}

describe('the reconciler', () => {
  it('leaves alone a submission whose workflow is running, and final submissions', async () => {
    const w = world();
    w.addSubmission('sub_running', ['PENDING']);
    w.executions.set('sub_running', { state: 'RUNNING', input: { submissionId: 'sub_running', notifications: [] } });
    w.addSubmission('sub_done', ['CONFIRMED'], { status: 'COMPLETED' });
    expect(await reconcileSubmissions(w.deps)).toEqual({ inProgress: 1, resumed: 0, errors: 0 });
    expect(w.started).toEqual([]);
  });

  it("starts a workflow never started (or lost with the engine) under the submission's own name, and records that it did", async () => {
    const w = world();
    w.addSubmission('sub_lost', ['PENDING', 'DELIVERED']);
    expect(await reconcileSubmissions(w.deps)).toMatchObject({ resumed: 1 });
    expect(w.started).toEqual(['sub_lost']);
    expect(w.inputOf('sub_lost')).toEqual({ submissionId: 'sub_lost', notificationIds: ['sub_lost-n0', 'sub_lost-n1'] });
    // SUBMITTED is not its to write: the submission was stored with it.
    expect(w.trail.map((e) => e.type)).toEqual(['WORKFLOW_RESUMED']);
    // Run again (a second start-up, or the schedule): nothing new.
    expect(await reconcileSubmissions(w.deps)).toMatchObject({ resumed: 0 });
    expect(w.trail).toHaveLength(1);
  });

  it('follows a failed, timed-out or aborted execution with a fresh round for what is not final', async () => {
    const w = world();
    w.addSubmission('sub_failed', ['CONFIRMED', 'PENDING', 'DELIVERED']);
    w.executions.set('sub_failed', { state: 'FINISHED', input: { submissionId: 'sub_failed', notifications: [] } });
    expect(await reconcileSubmissions(w.deps)).toMatchObject({ resumed: 1 });
    expect(w.started).toEqual(['sub_failed-resume-1']);
    expect(w.inputOf('sub_failed-resume-1')).toEqual({ submissionId: 'sub_failed', notificationIds: ['sub_failed-n1', 'sub_failed-n2'] });
    expect(w.submissions.get('sub_failed')!.recoveryRounds).toBe(1);

    // That round fails too: the next one is numbered on.
    w.executions.get('sub_failed-resume-1')!.state = 'FINISHED';
    await reconcileSubmissions(w.deps);
    expect(w.started).toEqual(['sub_failed-resume-1', 'sub_failed-resume-2']);
  });

  it("carries in the input what is left of the department's timeout for a notification already delivered", async () => {
    const w = world();
    w.addSubmission('sub_waiting', ['DELIVERED', 'PENDING']);
    // Delivered 25 s before the reconciler runs (its clock says 10:00:00), with a 60 s timeout.
    w.notifications.set('sub_waiting-n0', { ...w.notifications.get('sub_waiting-n0')!, deliveredAt: '2026-11-29T09:59:35.000Z' });
    w.executions.set('sub_waiting', { state: 'FINISHED', input: { submissionId: 'sub_waiting', notifications: [] } });
    await reconcileSubmissions(w.deps);
    expect(w.executions.get('sub_waiting-resume-1')!.input.notifications).toEqual([
      { notificationId: 'sub_waiting-n0', departmentId: 'd0', timeoutSeconds: 35 },
      { notificationId: 'sub_waiting-n1', departmentId: 'd1', timeoutSeconds: 60 },
    ]);
  });

  it('starts a round that only finalises when every notification is final but the submission is not', async () => {
    const w = world();
    w.addSubmission('sub_unfinalised', ['CONFIRMED', 'REJECTED']);
    w.executions.set('sub_unfinalised', { state: 'FINISHED', input: { submissionId: 'sub_unfinalised', notifications: [] } });
    await reconcileSubmissions(w.deps);
    expect(w.inputOf('sub_unfinalised-resume-1')).toEqual({ submissionId: 'sub_unfinalised', notificationIds: [] });
  });

  it('lets a running redelivery be, and starts one that was asked for but never started', async () => {
    const w = world();
    w.addSubmission('sub_redelivering', ['CONFIRMED', 'PENDING'], {}, [0, 1]);
    w.executions.set('sub_redelivering', { state: 'FINISHED', input: { submissionId: 'sub_redelivering', notifications: [] } });
    w.executions.set('sub_redelivering-n1-redelivery-1', {
      state: 'RUNNING',
      input: { submissionId: 'sub_redelivering', notifications: [] },
    });
    await reconcileSubmissions(w.deps);
    expect(w.started).toEqual([]);

    w.addSubmission('sub_redelivery_lost', ['CONFIRMED', 'PENDING'], {}, [0, 2]);
    w.executions.set('sub_redelivery_lost', { state: 'FINISHED', input: { submissionId: 'sub_redelivery_lost', notifications: [] } });
    await reconcileSubmissions(w.deps);
    expect(w.started).toEqual(['sub_redelivery_lost-n1-redelivery-2']);
    expect(w.inputOf('sub_redelivery_lost-n1-redelivery-2')).toEqual({
      submissionId: 'sub_redelivery_lost',
      notificationIds: ['sub_redelivery_lost-n1'],
    });
  });

  it('lets a running correction or withdrawal notice be, starts one never started, and covers one whose run ended in a fresh round', async () => {
    const w = world();
    w.addSubmission('sub_corrected', ['CONFIRMED', 'PENDING', 'PENDING', 'PENDING']);
    const followUp = (id: string, kind: 'correction' | 'withdrawal') => w.notifications.set(id, { ...w.notifications.get(id)!, kind });
    followUp('sub_corrected-n1', 'correction');
    followUp('sub_corrected-n2', 'withdrawal');
    followUp('sub_corrected-n3', 'correction');
    w.executions.set('sub_corrected', { state: 'FINISHED', input: { submissionId: 'sub_corrected', notifications: [] } });
    w.executions.set('sub_corrected-n1', { state: 'RUNNING', input: { submissionId: 'sub_corrected', notifications: [] } });
    w.executions.set('sub_corrected-n3', { state: 'FINISHED', input: { submissionId: 'sub_corrected', notifications: [] } });

    await reconcileSubmissions(w.deps); // n2's run was asked for but never started: it is started under its own name.
    expect(w.started).toEqual(['sub_corrected-n2']);
    expect(w.inputOf('sub_corrected-n2')).toEqual({ submissionId: 'sub_corrected', notificationIds: ['sub_corrected-n2'] });

    await reconcileSubmissions(w.deps); // n3's run ended with it still open: a fresh round for n3 alone.
    expect(w.started).toEqual(['sub_corrected-n2', 'sub_corrected-resume-1']);
    expect(w.inputOf('sub_corrected-resume-1')).toEqual({ submissionId: 'sub_corrected', notificationIds: ['sub_corrected-n3'] });
  });

  it('run twice at once, starts one fresh round, not two', async () => {
    const w = world();
    w.addSubmission('sub_race', ['PENDING']);
    w.executions.set('sub_race', { state: 'FINISHED', input: { submissionId: 'sub_race', notifications: [] } });
    const [a, b] = await Promise.all([reconcileSubmissions(w.deps), reconcileSubmissions(w.deps)]);
    expect(a.resumed + b.resumed).toBe(1);
    expect(w.started).toEqual(['sub_race-resume-1']);
  });

  it('counts a submission it could not look at, says which and why, and goes on with the others', async () => {
    const w = world();
    w.addSubmission('sub_a', ['PENDING']);
    w.addSubmission('sub_b', ['PENDING']);
    const deps = {
      ...w.deps,
      executionState: async (name: string) => {
        if (name === 'sub_a') throw new Error('throttled');
        return w.deps.executionState(name);
      },
    };
    expect(await reconcileSubmissions(deps)).toEqual({
      inProgress: 2,
      resumed: 1,
      errors: 1,
      failures: [{ submissionId: 'sub_a', errorName: 'Error', errorMessage: 'throttled' }],
    });
    expect(w.started).toEqual(['sub_b']);
  });

  describe('told that an execution failed, timed out or was aborted (EventBridge)', () => {
    it('resumes that submission at once, asking about no other', async () => {
      const w = world();
      w.addSubmission('sub_ended', ['CONFIRMED', 'DELIVERED']);
      w.executions.set('sub_ended', { state: 'FINISHED', input: { submissionId: 'sub_ended', notifications: [] } });
      w.addSubmission('sub_other', ['PENDING']); // Its execution is lost too, but no event says so.
      expect(await reconcileEndedExecution(w.deps, { name: 'sub_ended', input: '{"submissionId":"sub_ended"}' })).toEqual({
        inProgress: 1,
        resumed: 1,
        errors: 0,
      });
      expect(w.started).toEqual(['sub_ended-resume-1']);
      expect(w.inputOf('sub_ended-resume-1')).toEqual({ submissionId: 'sub_ended', notificationIds: ['sub_ended-n1'] });
      expect(w.described).toEqual(['sub_ended']);
      expect(w.trail.map((e) => e.type)).toEqual(['WORKFLOW_RESUMED']);
    });

    it("finds the submission from the execution's name when the event carries no input: a round, or a redelivery", async () => {
      const w = world();
      w.addSubmission('sub_round', ['PENDING'], { recoveryRounds: 1 });
      w.executions.set('sub_round-resume-1', { state: 'FINISHED', input: { submissionId: 'sub_round', notifications: [] } });
      await reconcileEndedExecution(w.deps, { name: 'sub_round-resume-1' });
      expect(w.started).toEqual(['sub_round-resume-2']);

      w.addSubmission('sub_redelivered', ['CONFIRMED', 'PENDING'], {}, [0, 1]);
      w.notifications.set('ntf_redelivered', { ...w.notifications.get('sub_redelivered-n1')!, id: 'ntf_redelivered' });
      w.executions.set('sub_redelivered', { state: 'FINISHED', input: { submissionId: 'sub_redelivered', notifications: [] } });
      w.executions.set('sub_redelivered-n1-redelivery-1', {
        state: 'FINISHED',
        input: { submissionId: 'sub_redelivered', notifications: [] },
      });
      await reconcileEndedExecution(w.deps, { name: 'ntf_redelivered-redelivery-1', input: null });
      expect(w.started).toEqual(['sub_round-resume-2', 'sub_redelivered-resume-1']);
    });

    it('does nothing for a submission already final, or an execution of no submission', async () => {
      const w = world();
      w.addSubmission('sub_final', ['CONFIRMED'], { status: 'COMPLETED' });
      expect(await reconcileEndedExecution(w.deps, { name: 'sub_final', input: '{"submissionId":"sub_final"}' })).toEqual({
        inProgress: 0,
        resumed: 0,
        errors: 0,
      });
      expect(await reconcileEndedExecution(w.deps, { name: 'something-else', input: 'not json' })).toEqual({
        inProgress: 0,
        resumed: 0,
        errors: 0,
      });
      expect(w.started).toEqual([]);
      expect(w.described).toEqual([]);
    });
  });

  it('sweeps only the stale submissions: those in progress since before the cut-off', async () => {
    const w = world();
    w.addSubmission('sub_stale', ['PENDING'], { createdAt: '2026-11-29T08:59:59.000Z' });
    w.addSubmission('sub_young', ['PENDING'], { createdAt: '2026-11-29T09:30:00.000Z' });
    expect(await reconcileSubmissions(w.deps, { createdBefore: new Date('2026-11-29T09:00:00Z') })).toEqual({
      inProgress: 1,
      resumed: 1,
      errors: 0,
    });
    expect(w.described).toEqual(['sub_stale']);
    expect(w.started).toEqual(['sub_stale']);
  });
});

describe('the reconciler on the in-memory repositories', () => {
  async function service() {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const executions = new Map<string, ExecutionState>();
    const deps: ReconcileDependencies = {
      ...s.deps,
      executionState: async (name) => executions.get(name) ?? 'MISSING',
      startWorkflow: async (name, input) => {
        if (!executions.has(name)) executions.set(name, 'RUNNING');
        await s.deps.startWorkflow(name, input);
      },
    };
    return { s, executions, deps };
  }

  it('starts the workflow of a submission acknowledged just before a crash (its start never made)', async () => {
    const { s, deps } = await service();
    const outcome = await submitChangeOfAddress(
      { ...s.deps, startWorkflow: () => Promise.reject(new Error('crash')) },
      'citizen-1',
      'key-1',
      changeOfAddress(['dvla']),
      'fp',
    ).catch(() => undefined);
    expect(outcome).toBeUndefined();
    const id = submissionIdFor('citizen-1', 'key-1');
    s.advance(1000);

    expect(await reconcileSubmissions(deps)).toEqual({ inProgress: 1, resumed: 1, errors: 0 });
    expect([...s.started.keys()]).toEqual([id]);
    expect((await s.audit.list(id)).map((e) => e.type)).toEqual(['SUBMITTED', 'WORKFLOW_RESUMED']);
  });

  it('two at once after the round ended start one fresh round (the round count is a conditional write)', async () => {
    const { s, executions, deps } = await service();
    const { submission } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    executions.set(submission.id, 'FINISHED');
    const reports = await Promise.all([reconcileSubmissions(deps), reconcileSubmissions(deps)]);

    expect(reports.map((r) => r.resumed).sort()).toEqual([0, 1]);
    expect(await s.submission(submission.id)).toMatchObject({ recoveryRounds: 1 });
    expect([...s.started.keys()]).toEqual([submission.id, `${submission.id}-resume-1`]);
  });

  it('a sweep counts a reopened submission as stale from its reopening, not from its creation', async () => {
    const { s, executions, deps } = await service();
    const { submission } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    executions.set(submission.id, 'FINISHED');
    await s.submissions.setStatus(submission.id, 'COMPLETED', s.now());
    s.advance(2 * STALE_AFTER_SECONDS * 1000);
    await s.submissions.setStatus(submission.id, 'IN_PROGRESS', s.now());
    const staleBefore = () => ({ createdBefore: new Date(s.now().getTime() - STALE_AFTER_SECONDS * 1000) });

    expect(await reconcileSubmissions(deps, staleBefore())).toMatchObject({ inProgress: 0 });
    s.advance(STALE_AFTER_SECONDS * 1000 + 1);
    expect(await reconcileSubmissions(deps, staleBefore())).toMatchObject({ inProgress: 1, resumed: 1 });
  });
});
