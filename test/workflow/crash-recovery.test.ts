import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfirmingDepartment } from '../support/confirming-department';
import { changeOfAddress, ServiceClient } from '../support/service-client';
import { freePort, SpawnedService } from '../support/spawned-service';

const SUBMISSIONS = 200;
const KILL_AFTER_ACKNOWLEDGED = 170;

/**
 * CONTRACT section 7: SIGKILL of the whole `npm start` process tree while 200 submissions are in
 * flight (some still being submitted, most being delivered or awaiting an answer), then a restart
 * on the same data. Every acknowledged submission reaches a final status; departments see a
 * notification again only under the same webhook-id.
 */
describe('SIGKILL of the whole service while 200 submissions are in flight, then a restart', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tuo-crash-'));
  let service: SpawnedService;
  const departments = [
    new ConfirmingDepartment('crash-tax', { confirmationRequired: true, confirmAfterMs: 300 }),
    new ConfirmingDepartment('crash-licensing', { confirmationRequired: true, confirmAfterMs: 50 }),
    new ConfirmingDepartment('crash-library', { confirmationRequired: false }),
    // Down for a while (through the crash), then back.
    new ConfirmingDepartment('crash-council', { confirmationRequired: true, confirmAfterMs: 50 }),
  ];

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await Promise.all(departments.map((d) => d.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing acknowledged and sends nothing under a new webhook-id', async () => {
    const env = { TUO_DATA_DIR: dataDir, TUO_DEMO: '0', TUO_TIME_SCALE: '0.001', TUO_ADMIN_TOKEN: 'crash-admin-token' };
    service = new SpawnedService(await freePort(), env);
    await service.start(90_000);
    const client = new ServiceClient(service.url, 'crash-admin-token');
    for (const department of departments) await department.register(client);
    departments[3].behaviour.downUntil = Date.now() + 8_000;

    const token = await client.citizenToken('citizen-crash');
    const keyOf = (i: number) => `crash-${i}`;
    const chosen = (i: number) => departments.filter((_, d) => d === 0 || (i + d) % 2 === 0 || d === 3).map((d) => d.id);
    const acknowledged = new Map<string, string>(); // Idempotency-Key -> submission id
    let fiveHundreds = 0;
    let next = 0;
    let killed: Promise<unknown> | undefined;
    const submitter = async () => {
      while (next < SUBMISSIONS && !killed) {
        const i = next++;
        const answer = await client.submit(token, keyOf(i), changeOfAddress(chosen(i))).catch(() => undefined);
        if (answer?.status === 202) acknowledged.set(keyOf(i), answer.json.id);
        else if (answer && answer.status >= 500) fiveHundreds++;
        if (acknowledged.size >= KILL_AFTER_ACKNOWLEDGED && !killed) killed = service.stop('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 16 }, submitter));
    await killed;
    const acknowledgedBeforeCrash = acknowledged.size;

    service = new SpawnedService(service.port, env);
    await service.start(90_000);
    const restarted = new ServiceClient(service.url, 'crash-admin-token');

    // What was acknowledged is all there; what was not may be retried with the same key (and
    // converges on the same submission if it had been stored after all).
    for (let i = 0; i < SUBMISSIONS; i++) {
      if (acknowledged.has(keyOf(i))) continue;
      const answer = await restarted.submit(token, keyOf(i), changeOfAddress(chosen(i)));
      if (answer.status >= 500) fiveHundreds++;
      expect(answer.status).toBe(202);
      acknowledged.set(keyOf(i), answer.json.id);
    }

    const finals = new Map<string, any>();
    const deadline = Date.now() + 150_000;
    while (finals.size < acknowledged.size && Date.now() < deadline) {
      for (const id of acknowledged.values()) {
        if (finals.has(id)) continue;
        const current = await restarted.submission(token, id);
        if (current.status >= 500) fiveHundreds++;
        if (current.status === 200 && current.json.status !== 'IN_PROGRESS') finals.set(id, current.json);
      }
      if (finals.size < acknowledged.size) await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // A department saw each notification under exactly one webhook-id: the notification id.
    let duplicatesUnderNewId = 0;
    let resentUnderSameId = 0;
    const notificationIdOf = new Map<string, string>();
    for (const submission of finals.values()) {
      for (const n of submission.notifications) notificationIdOf.set(`${submission.reference}|${n.department}`, n.id);
    }
    for (const department of departments) {
      for (const [reference, ids] of department.deliveriesByReference()) {
        if (ids.size > 1) duplicatesUnderNewId++;
        const expected = notificationIdOf.get(`${reference}|${department.id}`);
        if (expected && ![...ids].every((id) => id === expected)) duplicatesUnderNewId++;
      }
      const received = department.receiver.received.filter((d) => d.verified);
      resentUnderSameId += received.length - new Set(received.map((d) => d.webhookId)).size;
    }
    const lost = acknowledged.size - finals.size;
    const statuses = [...finals.values()].reduce<Record<string, number>>(
      (counts, s) => ({ ...counts, [s.status]: (counts[s.status] ?? 0) + 1 }),
      {},
    );
    const resumedAtStart = /Resumed the workflow of (\d+)/.exec(service.output)?.[1] ?? '0';
    console.log(
      `[crash test] acknowledged before SIGKILL: ${acknowledgedBeforeCrash}; resumed at restart: ${resumedAtStart}; acknowledged in all: ${acknowledged.size}; final: ${finals.size} ${JSON.stringify(statuses)}; lost: ${lost}; duplicates under a new id: ${duplicatesUnderNewId}; re-sent under the same id: ${resentUnderSameId}; 5xx: ${fiveHundreds}`,
    );

    expect(acknowledgedBeforeCrash).toBeGreaterThanOrEqual(KILL_AFTER_ACKNOWLEDGED);
    expect(acknowledged.size).toBe(SUBMISSIONS);
    expect(lost).toBe(0);
    expect(duplicatesUnderNewId).toBe(0);
    expect(fiveHundreds).toBe(0);
    // Every department is eventually told and answers: all complete.
    expect(statuses).toEqual({ COMPLETED: SUBMISSIONS });
    expect(service.output).toMatch(/Resumed the workflow of \d+ submission/);
  }, 400_000);
});
