/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startTestService } from '../support/local-service-fixture';
import { accessibilityViolations, launchBrowser, signInAtProvider } from '../support/browser';

const FINAL = ['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED'];

/**
 * The citizen's whole journey in a real browser (Debian's chromium) against the one-machine
 * service with its demo departments: sign in at the OpenID provider, answer one question per page,
 * see what each department receives, send, and watch every department reach a final status.
 */
describe('citizen journey in the browser', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  const checkedPages: string[] = [];

  beforeAll(async () => {
    fixture = await startTestService({ demo: true, demoConfirmDelayMs: 300 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  async function expectAccessible(page: Page) {
    expect({ page: page.url(), violations: await accessibilityViolations(page) }).toEqual({ page: page.url(), violations: [] });
    checkedPages.push(new URL(page.url()).pathname);
  }

  async function continueTo(page: Page, heading: string | RegExp) {
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  it('reports a move once and watches every department reach a final status', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(fixture.service.url);
    await expect(page.title()).resolves.toContain('Tell government you have moved');
    await expectAccessible(page);

    // "Start now" leads to the provider's sign-in page (GOV.UK One Login's on AWS), and back.
    await page.getByRole('button', { name: 'Start now' }).click();
    await page.getByLabel('Citizen id').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/dev\/interaction\//);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('#citizenId-error').textContent()).resolves.toContain('Enter your citizen id');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page);
    await signInAtProvider(page, 'citizen-browser-1', 'ada@example.org');

    await page.getByRole('group', { name: 'What is your name?' }).waitFor();
    await expectAccessible(page);
    // An empty answer: the error summary and the inline message, worded by the API's schema.
    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expect(summary.textContent()).resolves.toContain('There is a problem');
    await expect(page.locator('#givenName-error').textContent()).resolves.toContain('Enter your first name');
    await expectAccessible(page);
    await summary.getByRole('link').first().click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('givenName');

    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await continueTo(page, 'What is your date of birth?');
    await expectAccessible(page);
    await page.getByLabel('Day').fill('31');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill('1985');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('#dateOfBirth-error').textContent()).resolves.toContain('real date');
    await expectAccessible(page);
    await page.getByLabel('Day').fill('10');
    await page.getByLabel('Month').fill('12');
    await continueTo(page, /National Insurance number/);
    await expectAccessible(page);
    await page.getByLabel(/National Insurance number/).fill('ab 12 34 56 c');
    await continueTo(page, /email address/);
    await expectAccessible(page);
    await page.getByLabel(/email address/).fill('ada@example.org');
    await continueTo(page, 'What was your previous address?');
    await expectAccessible(page);
    await page.getByLabel('Address line 1').fill('1 Old Street');
    await page.getByLabel('Town or city').fill('Leeds');
    await page.getByLabel('Postcode').fill('ls11aa');
    await continueTo(page, 'What is your new address?');
    await expectAccessible(page);
    await page.getByLabel('Address line 1').fill('2 New Road');
    await page.getByLabel('Town or city').fill('York');
    await page.getByLabel('Postcode').fill('YO1 7HH');
    await continueTo(page, 'When did you move?');
    await expectAccessible(page);
    await page.getByLabel('Day').fill('20');
    await page.getByLabel('Month').fill('11');
    await page.getByLabel('Year').fill('2026');
    await continueTo(page, 'Which departments should we tell?');
    await expectAccessible(page);
    // The consent preview: each department's hint lists exactly the fields it is entitled to.
    await expect(
      page.locator('.govuk-checkboxes__item', { hasText: 'City of York Council' }).locator('.govuk-checkboxes__hint').textContent(),
    ).resolves.toContain('Receives: First name, Last name, Email address, Previous address, New address, Date you moved.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('#departments-error').textContent()).resolves.toContain('Choose at least one department');
    for (const name of [
      'HM Revenue & Customs',
      'Driver and Vehicle Licensing Agency',
      'Department for Work and Pensions',
      'City of York Council',
    ]) {
      await page.getByLabel(name).check();
    }
    await continueTo(page, 'Check your answers before telling the departments');
    await expectAccessible(page);
    const york = page.locator('.govuk-summary-card', { hasText: 'City of York Council' });
    await expect(york.textContent()).resolves.toContain('ada@example.org');
    await expect(york.textContent()).resolves.not.toContain('AB123456C');
    const dvla = page.locator('.govuk-summary-card', { hasText: 'Driver and Vehicle Licensing Agency' });
    await expect(dvla.textContent()).resolves.not.toContain('ada@example.org');

    // A double click sends once: the journey's Idempotency-Key makes the second request the same submission.
    await page.getByRole('button', { name: 'Accept and send' }).dblclick();
    await page.getByRole('heading', { name: 'Report sent' }).waitFor();
    await expectAccessible(page);
    const reference = (await page.locator('.govuk-panel__body strong').textContent())!.trim();
    expect(reference).toMatch(/^TUO-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    await page.getByRole('link', { name: 'Follow the progress of each department' }).click();
    await page.getByRole('heading', { name: 'Progress of your change of address' }).waitFor();
    await expect(page.textContent('.govuk-caption-l')).resolves.toContain(reference);
    await expectAccessible(page);
    // Live updates (the page polls): every department reaches a final status without a reload.
    await page.waitForFunction(
      (final) => {
        const rows = Array.from(document.querySelectorAll('tr[data-status]'));
        return rows.length === 4 && rows.every((row) => final.includes(row.getAttribute('data-status') ?? ''));
      },
      FINAL,
      { timeout: 30_000 },
    );
    const statuses = await page
      .locator('tr[data-status]')
      .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-department'), r.getAttribute('data-status')]));
    expect(statuses.sort()).toEqual([
      ['council-york', 'CONFIRMED'],
      ['dvla', 'CONFIRMED'],
      ['dwp', 'CONFIRMED'],
      ['hmrc', 'CONFIRMED'],
    ]);
    await page.locator('[data-submission-status="COMPLETED"]').waitFor();
    await expectAccessible(page);

    // One submission, not two, for this citizen's journey.
    const token = await fixture.client.citizenToken('citizen-browser-1');
    const submissionId = new URL(page.url()).pathname.split('/')[2];
    const submission = await fixture.client.submission(token, submissionId);
    expect(submission.json.reference).toBe(reference);

    // Pages for what went wrong are accessible too; another citizen's report is not found.
    await page.goto(`${fixture.service.url}/journey/no-such-question`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await expectAccessible(page);
    await page.goto(`${fixture.service.url}/submissions/sub_someone_else/confirmation`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await context.close();
  });

  it('works without JavaScript: the status page shows progress on reload', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${fixture.service.url}/journey/name`);
    await signInAtProvider(page, 'citizen-no-js');
    const answers: Array<[string, Record<string, string>]> = [
      ['name', { 'First name': 'Grace', 'Last name': 'Hopper' }],
      ['date-of-birth', { Day: '9', Month: '12', Year: '1976' }],
      ['national-insurance-number', {}],
      ['email', {}],
      ['previous-address', { 'Address line 1': '3 Harbour Lane', 'Town or city': 'Hull', Postcode: 'HU1 1AA' }],
      ['new-address', { 'Address line 1': '4 Castle Street', 'Town or city': 'York', Postcode: 'YO1 9RN' }],
      ['moved-on', { Day: '1', Month: '11', Year: '2026' }],
    ];
    for (const [, fields] of answers) {
      for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await page.getByLabel('Driver and Vehicle Licensing Agency').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('.govuk-summary-list__row', { hasText: 'National Insurance number' }).textContent()).resolves.toContain(
      'Not given',
    );
    await page.getByRole('button', { name: 'Accept and send' }).click();
    await page.getByRole('link', { name: 'Follow the progress of each department' }).click();
    const deadline = Date.now() + 30_000;
    while (!FINAL.includes((await page.locator('tr[data-department="dvla"]').getAttribute('data-status')) ?? '')) {
      if (Date.now() > deadline) throw new Error('DVLA did not reach a final status');
      await page.waitForTimeout(300);
      await page.reload();
    }
    await expect(page.locator('tr[data-department="dvla"]').getAttribute('data-status')).resolves.toBe('CONFIRMED');
    await context.close();
  });

  it('signs out here and at the provider, whose sign-out pages are accessible too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${fixture.service.url}/journey/name`);
    await signInAtProvider(page, 'citizen-signing-out');
    const [session] = (await context.cookies()).filter((c) => c.name === 'tuo_citizen');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dev/logout');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Yes, sign out' }).click();
    await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/signed-out');
    await expectAccessible(page);
    // The session ended on the server: its id, put back in the browser, opens nothing.
    await context.addCookies([session]);
    await page.goto(`${fixture.service.url}/journey/name`);
    await page.getByLabel('Citizen id').waitFor();
    await context.close();
  });

  it('accepts forms only with their CSRF token, from this site, and keeps every cookie HttpOnly and SameSite=Lax', async () => {
    const start = await fetch(fixture.service.url);
    const csrfCookie = start.headers.getSetCookie().find((c) => c.startsWith('tuo_csrf='))!;
    expect(csrfCookie).toMatch(/; HttpOnly; SameSite=Lax$/); // No Secure over http on loopback.
    const csrf = decodeURIComponent(/^tuo_csrf=([^;]+)/.exec(csrfCookie)![1]);
    const signOut = (token: string, headers: Record<string, string> = {}) =>
      fetch(`${fixture.service.url}/sign-out`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `tuo_csrf=${csrf}`, ...headers },
        body: new URLSearchParams({ csrfToken: token }).toString(),
      });
    expect((await signOut('not-the-token')).status).toBe(403);
    expect((await signOut(csrf, { origin: 'https://attacker.example' })).status).toBe(403);
    expect((await signOut(csrf, { origin: fixture.service.url })).status).toBe(303);
    // The sign-in under way is a session too: only its random id is in the cookie.
    const signIn = await fetch(`${fixture.service.url}/sign-in`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.getSetCookie().find((c) => c.startsWith('tuo_sign_in='))).toMatch(
      /^tuo_sign_in=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/,
    );
  });
});
