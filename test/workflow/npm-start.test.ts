import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { changeOfAddress, ServiceClient } from '../support/service-client';
import { freePort, SpawnedService } from '../support/spawned-service';

/** The README's walk-through, against `npm start` exactly as an operator runs it. */
describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tuo-npm-start-'));
  let service: SpawnedService;
  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the demo departments, completes a submission, keeps it across a restart and stops cleanly', async () => {
    service = new SpawnedService(await freePort(), { TUO_DATA_DIR: dataDir, TUO_DEMO_CONFIRM_DELAY_MS: '100' });
    const readyIn = await service.start();
    expect(readyIn).toBeLessThan(60_000);
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' });

    // The admin token was generated, printed once and written (readable by its owner only).
    const adminToken = service.adminToken();
    expect(service.output).toContain(adminToken);
    expect(statSync(path.join(dataDir, 'admin-token')).mode & 0o077).toBe(0);

    const client = new ServiceClient(service.url, adminToken);
    const departments = (await client.request('GET', '/v1/departments')).json.map((d: any) => d.id);
    expect(departments).toEqual(expect.arrayContaining(['hmrc', 'dvla', 'dwp', 'council-york']));

    const token = await client.citizenToken('citizen-123');
    const accepted = await client.submit(token, 'readme-walkthrough', changeOfAddress(['hmrc', 'dvla', 'dwp', 'council-york']));
    expect(accepted.status).toBe(202);
    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS', 30_000);
    expect(final.status).toBe('COMPLETED');
    expect(final.notifications.map((n: any) => n.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
    expect(final.notifications.every((n: any) => n.departmentReference)).toBe(true);

    // The demo receivers verified the signatures and got only their entitled fields.
    const dvla = (await client.request('GET', '/demo/departments/dvla/deliveries', { token: adminToken })).json;
    expect(dvla).toHaveLength(1);
    expect(dvla[0].payload.data.person).toEqual({ givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1985-12-10' });

    const stopped = await service.stop('SIGTERM');
    expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
    expect(service.output).toContain('Tell Us Once stopped');

    // A restart on the same data keeps the submission, the departments and the admin token.
    service = new SpawnedService(service.port, { TUO_DATA_DIR: dataDir });
    await service.start();
    expect(service.adminToken()).toBe(adminToken);
    expect(service.output).not.toContain(adminToken);
    const after = await client.submission(await client.citizenToken('citizen-123'), accepted.json.id);
    expect(after.status).toBe(200);
    expect(after.json).toEqual(final);
    await service.stop('SIGINT');
    expect(service.output).toContain('Tell Us Once stopped');
  }, 150_000);
});
