/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchBrowser } from '../support/browser';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * A department answers from its page, and an operator finds a failed notification and redelivers
 * it, in a real browser against the one-machine service.
 */
describe('department and operator pages in the browser', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  const receiver = new WebhookReceiver();
  let apiKey: string;
  let citizenToken: string;

  beforeAll(async () => {
    fixture = await startTestService();
    browser = await launchBrowser();
    await receiver.start();
    const registered = await fixture.client.registerDepartment('passport-office', {
      name: 'HM Passport Office',
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: ['person.givenName', 'person.familyName', 'newAddress'],
      confirmation: { required: true, timeoutSeconds: 3600 },
    });
    expect(registered.status).toBe(201);
    receiver.secrets = [registered.json.signingSecret];
    apiKey = registered.json.apiKey;
    citizenToken = await fixture.client.citizenToken('citizen-dept-test');
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
    await receiver.stop();
  });

  async function expectAccessible(page: Page) {
    expect({ page: page.url(), violations: await accessibilityViolations(page) }).toEqual({ page: page.url(), violations: [] });
  }

  async function submitAndWaitFor(key: string, status: string, departmentId = 'passport-office') {
    const accepted = await fixture.client.submit(citizenToken, key, changeOfAddress([departmentId]));
    expect(accepted.status).toBe(202);
    await fixture.client.waitForSubmission(citizenToken, accepted.json.id, (s) => s.notifications[0].status === status);
    return accepted.json as { id: string; reference: string };
  }

  it('lets a department confirm and reject what awaits its answer', async () => {
    const first = await submitAndWaitFor('dept-1', 'DELIVERED');
    const second = await submitAndWaitFor('dept-2', 'DELIVERED');

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${fixture.service.url}/department`);
    await expectAccessible(page);
    await page.getByLabel('Your department’s API key').fill('tuo.passport-office.not-the-right-key-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#apiKey-error').textContent()).resolves.toContain('That API key is not right');
    await page.getByLabel('Your department’s API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Changes of address awaiting your answer' }).waitFor();
    await expectAccessible(page);

    // Exactly what this department received: its entitled fields and nothing else.
    const firstItem = page.locator(`section[data-notification]`, { hasText: first.reference });
    await expect(firstItem.textContent()).resolves.toContain('YO1 7HH');
    await expect(firstItem.textContent()).resolves.not.toContain('AB123456C');
    await expect(firstItem.textContent()).resolves.not.toContain('1985');

    // No choice made: the error summary and the inline message.
    await firstItem.getByRole('button', { name: 'Send answer' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Select whether you have updated your records');
    await expectAccessible(page);

    await firstItem.getByLabel('Yes, our records are updated').check();
    await firstItem.getByLabel('Your reference, if you updated your records (optional)').fill('HMPO-42');
    await firstItem.getByRole('button', { name: 'Send answer' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      `Your answer for ${first.reference} has been recorded`,
    );
    await expectAccessible(page);

    const secondItem = page.locator(`section[data-notification]`, { hasText: second.reference });
    await secondItem.getByLabel('No, we cannot update our records').check();
    await secondItem.getByLabel('Why could you not update your records? (optional)').fill('No passport held at this name');
    await secondItem.getByRole('button', { name: 'Send answer' }).click();
    await page.locator('[data-empty]').waitFor();

    // What the citizen sees through the API: the department's answers, recorded.
    const confirmed = await fixture.client.waitForSubmission(citizenToken, first.id, (s) => s.status === 'COMPLETED');
    expect(confirmed.notifications[0]).toMatchObject({ status: 'CONFIRMED', departmentReference: 'HMPO-42' });
    const rejected = await fixture.client.waitForSubmission(citizenToken, second.id, (s) => s.status === 'COMPLETED_WITH_ISSUES');
    expect(rejected.notifications[0]).toMatchObject({ status: 'REJECTED', reason: 'No passport held at this name' });
  });

  it('lists what awaits a pull department, serving it as delivered first, and lets it confirm', async () => {
    const registered = await fixture.client.registerDepartment('ero-york', {
      name: 'York electoral registration',
      delivery: 'pull',
      events: ['address.changed'],
      fields: ['person.givenName', 'person.familyName', 'newAddress'],
      confirmation: { required: true, timeoutSeconds: 3600 },
    });
    expect(registered.status).toBe(201);
    // Not collected by anyone yet: it waits for the feed, still PENDING.
    const waiting = await submitAndWaitFor('pull-1', 'PENDING', 'ero-york');
    expect((await fixture.client.submission(citizenToken, waiting.id)).json.notifications[0].deliveredAt ?? null).toBeNull();

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${fixture.service.url}/department`);
    await page.getByLabel('Your department’s API key').fill(registered.json.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Changes of address awaiting your answer' }).waitFor();
    await expectAccessible(page);

    // Showing it served it: delivered, by the pull channel, before its data reached the page.
    const item = page.locator('section[data-notification]', { hasText: waiting.reference });
    await expect(item.textContent()).resolves.toContain('YO1 7HH');
    await expect(item.textContent()).resolves.not.toContain('AB123456C');
    const delivered = (await fixture.client.submission(citizenToken, waiting.id)).json;
    expect(delivered.notifications[0]).toMatchObject({ status: 'DELIVERED', attempts: 0 });
    const trail = (await fixture.client.request('GET', `/v1/submissions/${waiting.id}/events`, { token: citizenToken })).json.events;
    expect(trail.filter((e: any) => e.type === 'DELIVERED')).toEqual([expect.objectContaining({ channel: 'pull' })]);

    await item.getByLabel('Yes, our records are updated').check();
    await item.getByLabel('Your reference, if you updated your records (optional)').fill('ERO-7');
    await item.getByRole('button', { name: 'Send answer' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      `Your answer for ${waiting.reference} has been recorded`,
    );
    await page.locator('[data-empty]').waitFor();
    const confirmed = await fixture.client.waitForSubmission(citizenToken, waiting.id, (s) => s.status === 'COMPLETED');
    expect(confirmed.notifications[0]).toMatchObject({ status: 'CONFIRMED', departmentReference: 'ERO-7' });
  });

  it('shows an operator endpoint health and failed notifications, and redelivers one', async () => {
    receiver.script = [400]; // A 400 fails a notification at once.
    const failed = await submitAndWaitFor('dept-3', 'FAILED');

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${fixture.service.url}/operator`);
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#adminToken-error').textContent()).resolves.toContain('That admin token is not right');
    await expectAccessible(page);
    await page.getByLabel('Admin token').fill(fixture.service.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await expectAccessible(page);

    const department = page.locator('tr[data-department="passport-office"]');
    await expect(department.textContent()).resolves.toContain('Failing');
    await expect(department.textContent()).resolves.toContain('HTTP 400');
    // The operator events, as GET /v1/operator/events lists them: this notification's failure.
    const failedEvent = page.locator('table[data-events] tr[data-event]', { hasText: 'notification.failed' });
    await expect(failedEvent.textContent()).resolves.toContain('HM Passport Office');
    await expect(failedEvent.textContent()).resolves.toContain('HTTP 400');
    const row = page.locator('tr[data-notification]', { hasText: failed.reference });
    await row.getByRole('button', { name: /^Redeliver/ }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      `Redelivery of ${failed.reference} has started`,
    );
    await expectAccessible(page);

    // Redelivered under the same webhook-id; the endpoint now accepts it.
    await fixture.client.waitForSubmission(citizenToken, failed.id, (s) => s.notifications[0].status === 'DELIVERED');
    const deliveries = receiver.received.filter((r) => r.payload?.data?.reference === failed.reference);
    expect(deliveries.length).toBe(2);
    expect(new Set(deliveries.map((d) => d.webhookId)).size).toBe(1);

    // The department answers, so no workflow is left waiting when the service stops.
    const notificationId = deliveries[1].payload.data.notificationId as string;
    const answered = await fixture.client.request('POST', `/v1/notifications/${notificationId}/confirmation`, {
      token: apiKey,
      body: { outcome: 'CONFIRMED' },
    });
    expect(answered.status).toBe(200);
    await fixture.client.waitForSubmission(citizenToken, failed.id, (s) => s.status === 'COMPLETED');
  });
});
