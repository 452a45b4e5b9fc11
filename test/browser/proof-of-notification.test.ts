/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, launchBrowser, signInAtProvider } from '../support/browser';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress } from '../support/service-client';

/**
 * The proof of notification in a real browser: from the progress page to a printable proof, and
 * the signed receipt it offers, which verifies against the published key.
 */
describe('proof of notification in the browser', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  let submissionId: string;
  let reference: string;

  beforeAll(async () => {
    fixture = await startTestService({ demo: true, demoConfirmDelayMs: 100 });
    browser = await launchBrowser();
    const token = await fixture.client.citizenToken('citizen-proof');
    const accepted = await fixture.client.submit(token, 'proof-1', changeOfAddress(['hmrc', 'council-york']));
    ({ id: submissionId, reference } = accepted.json);
    await fixture.client.waitForSubmission(token, submissionId, (s) => s.status !== 'IN_PROGRESS');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  it('offers a printable proof from the progress page, and a signed receipt that verifies and says the same', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${fixture.service.url}/submissions/${submissionId}`); // leads to the provider's sign-in, and back
    await signInAtProvider(page, 'citizen-proof');
    await page.getByRole('heading', { level: 1, name: 'Progress of your change of address' }).waitFor();

    await page.getByRole('link', { name: 'Download proof of notification' }).click();
    await page.getByRole('heading', { level: 1, name: 'Proof of notification' }).waitFor();
    await expect(page.title()).resolves.toContain('Proof of notification');
    expect(await page.locator('.govuk-caption-l').textContent()).toContain(reference);
    expect({ violations: await accessibilityViolations(page) }).toEqual({ violations: [] });

    const hmrc = page.locator('tr[data-department="hmrc"]');
    await expect(hmrc.locator('th').textContent()).resolves.toBe('HM Revenue & Customs');
    const hmrcText = await hmrc.textContent();
    expect(hmrcText).toContain('Updated their records');
    expect(hmrcText).toContain('New address');
    expect(await page.locator('tr[data-department="council-york"]').textContent()).toContain('Your change of address');
    // Kinds of details, never the details themselves.
    const body = await page.locator('main').textContent();
    for (const value of ['Lovelace', '2 New Road', 'AB123456C']) expect(body).not.toContain(value);

    // With the page's script, a print button; on paper, only the proof.
    const downloadButton = page.getByRole('button', { name: 'Download the signed receipt' });
    const onScreenOnly = [
      page.getByRole('button', { name: 'Print this page' }),
      downloadButton,
      page.locator('.govuk-header'),
      page.getByRole('button', { name: 'Sign out' }),
    ];
    for (const element of onScreenOnly) await expect(element.isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: 'print' });
    for (const element of onScreenOnly) await expect(element.isVisible()).resolves.toBe(false);
    await expect(hmrc.isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
    expect(download.suggestedFilename()).toBe(`proof-of-notification-${reference}.json`);
    const { receipt } = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const jwks = createRemoteJWKSet(new URL(`${fixture.service.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(receipt, jwks, { issuer: fixture.service.url, typ: 'tuo-receipt+jwt' });
    expect(payload).toMatchObject({ reference, submissionId });
    const departments = (payload.notifications as Array<{ department: string }>).map((n) => n.department);
    expect(departments.sort()).toEqual(['council-york', 'hmrc']);
    expect(await page.locator('tbody tr').count()).toBe(departments.length);
    await context.close();
  });

  it("shows someone else's proof to nobody", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${fixture.service.url}/submissions/${submissionId}/proof`);
    await signInAtProvider(page, 'someone-else');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    const download = await page.request.get(`${fixture.service.url}/submissions/${submissionId}/proof/receipt`);
    expect(download.status()).toBe(404);
    expect(await download.text()).not.toContain('receipt"');
    await context.close();
  });
});
