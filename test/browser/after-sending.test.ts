/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startTestService } from '../support/local-service-fixture';
import { accessibilityViolations, launchBrowser, signInAtProvider } from '../support/browser';
import { changeOfAddress } from '../support/service-client';

const FINAL = ['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'WITHDRAWN'];

/**
 * After sending, in a real browser against the one-machine service and its demo departments
 * (which confirm whatever they receive): correct something that was sent, through a check step,
 * then withdraw the report after a warning; both show on the progress page and in its trail.
 */
describe('correcting and withdrawing in the browser', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;

  beforeAll(async () => {
    fixture = await startTestService({ demo: true, demoConfirmDelayMs: 200 });
    browser = await launchBrowser();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  async function expectAccessible(page: Page) {
    expect({ page: page.url(), violations: await accessibilityViolations(page) }).toEqual({ page: page.url(), violations: [] });
  }

  const rowsOf = (page: Page) =>
    page
      .locator('tr[data-status]')
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-department'), r.getAttribute('data-kind'), r.getAttribute('data-status')]),
      );

  async function waitUntilFinal(page: Page, count: number) {
    await page.waitForFunction(
      ([final, n]) => {
        const rows = Array.from(document.querySelectorAll('tr[data-status]'));
        return rows.length === n && rows.every((row) => final.includes(row.getAttribute('data-status') ?? ''));
      },
      [FINAL, count] as const,
      { timeout: 60_000 },
    );
  }

  it('corrects the new address, checked before sending, and then withdraws the report after a warning', async () => {
    const token = await fixture.client.citizenToken('citizen-after');
    const { json: submitted } = await fixture.client.submit(token, 'move', changeOfAddress(['dvla', 'council-york']));
    await fixture.client.waitForSubmission(token, submitted.id, (s) => s.status === 'COMPLETED', 60_000);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${fixture.service.url}/submissions/${submitted.id}`);
    await page
      .getByLabel('Citizen id')
      .waitFor({ timeout: 90_000 })
      .catch(async (error) => {
        throw new Error(`No sign-in page at ${page.url()}: ${await page.title()} ${String(error)}`);
      });
    await signInAtProvider(page, 'citizen-after');
    await page.getByRole('heading', { name: 'Progress of your change of address' }).waitFor();

    // Correct something you sent: every answer with a Change link; nothing to send until one changes.
    await page.getByRole('link', { name: 'Correct something you sent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Correct something you sent' }).waitFor();
    await expectAccessible(page);
    await expect(page.getByRole('button', { name: 'Send corrections' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Change new address' }).click();
    await page.getByRole('group', { name: 'What is your new address?' }).waitFor();
    await expect(page.getByLabel('Address line 1').inputValue()).resolves.toBe('2 New Road');
    await page.getByLabel('Postcode').fill('not a postcode');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('#newAddress-postcode-error').textContent()).resolves.toContain('real UK postcode');
    await expectAccessible(page);
    await page.getByLabel('Address line 1').fill('3 Corrected Lane');
    await page.getByLabel('Postcode').fill('YO1 9AA');
    await page.getByRole('button', { name: 'Continue' }).click();

    // The check step: the corrected answer is marked, and it says who will be told.
    await page.getByRole('heading', { name: 'Check your corrections before sending them' }).waitFor();
    await expectAccessible(page);
    await expect(page.locator('.govuk-summary-list__row', { hasText: 'New address' }).textContent()).resolves.toContain('3 Corrected Lane');
    await expect(page.locator('.govuk-summary-list__row', { hasText: 'New address' }).textContent()).resolves.toContain('(corrected)');
    const told = await page.locator('main .govuk-list--bullet li').allTextContents();
    expect(told.sort()).toEqual(['City of York Council: new address', 'Driver and Vehicle Licensing Agency: new address']);
    await page.getByRole('button', { name: 'Send corrections' }).click();

    await page.getByRole('heading', { name: 'Your corrections were sent' }).waitFor();
    await expectAccessible(page);
    await waitUntilFinal(page, 4);
    expect((await rowsOf(page)).sort()).toEqual([
      ['council-york', 'change', 'CONFIRMED'],
      ['council-york', 'correction', 'CONFIRMED'],
      ['dvla', 'change', 'CONFIRMED'],
      ['dvla', 'correction', 'CONFIRMED'],
    ]);
    await expect(page.locator('[data-audit-trail]').textContent()).resolves.toContain('You corrected: new address.');

    // I reported this by mistake: a warning, an optional reason, then the departments told are told again.
    await page.getByRole('link', { name: 'I reported this by mistake' }).click();
    await page.getByRole('heading', { name: 'Are you sure you want to withdraw your report?' }).waitFor();
    await expect(page.locator('.govuk-warning-text').textContent()).resolves.toContain('You cannot undo this');
    await expectAccessible(page);
    await page.getByLabel('Why are you withdrawing it? (optional)').fill('I filled this in for the wrong person');
    await page.getByRole('button', { name: 'Withdraw report' }).click();

    await page.getByRole('heading', { name: 'Your report was withdrawn' }).waitFor();
    await expectAccessible(page);
    await waitUntilFinal(page, 6);
    const rows = await rowsOf(page);
    expect(rows.filter(([, kind]) => kind === 'withdrawal').sort()).toEqual([
      ['council-york', 'withdrawal', 'CONFIRMED'],
      ['dvla', 'withdrawal', 'CONFIRMED'],
    ]);
    await expect(page.locator('[data-audit-trail]').textContent()).resolves.toContain(
      'You told us you reported this by mistake, and withdrew it.',
    );
    await expect(page.getByRole('link', { name: 'Correct something you sent' }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await context.close();
  }, 300_000);
});
