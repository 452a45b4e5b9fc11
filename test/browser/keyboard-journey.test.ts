/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { startTestService } from '../support/local-service-fixture';

/**
 * The citizen's journey with the keyboard alone: Tab to move, type to answer, Space to tick,
 * Enter to press buttons and follow links. No clicks, no focusing by script.
 */
describe('citizen journey with the keyboard alone', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;

  beforeAll(async () => {
    fixture = await startTestService({ demo: true, demoConfirmDelayMs: 200 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  /** What the focused element is called: its label, its text, or its value. */
  const focusedName = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el || el === document.body) return '';
      const label = el.labels?.[0]?.textContent ?? '';
      return `${label} ${el.getAttribute('aria-label') ?? ''} ${el.textContent ?? ''} ${el.tagName === 'INPUT' && el.type === 'submit' ? el.value : ''}`
        .replace(/\s+/g, ' ')
        .trim();
    });

  /** Presses Tab until the focused element's name matches, as a keyboard user would. */
  async function tabTo(page: Page, name: string | RegExp) {
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      const focused = await focusedName(page);
      if (typeof name === 'string' ? focused.includes(name) : name.test(focused)) return;
    }
    throw new Error(`Could not reach "${name}" with the Tab key on ${page.url()}`);
  }

  async function answer(page: Page, fields: Array<[string | RegExp, string]>) {
    for (const [label, value] of fields) {
      await tabTo(page, label);
      await page.keyboard.type(value);
    }
    await tabTo(page, 'Continue');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  it('reaches the confirmation and the final status of every department', async () => {
    const page = await browser.newPage();
    await page.goto(fixture.service.url);
    // The skip link is the first thing a keyboard reaches, and it moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Skip to main content');

    await tabTo(page, 'Start now');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    // The provider's sign-in page (GOV.UK One Login's on AWS), by keyboard too.
    await tabTo(page, 'Citizen id');
    await page.keyboard.type('citizen-keyboard');
    await Promise.all([page.waitForURL((url) => url.pathname === '/journey/name'), page.keyboard.press('Enter')]);

    await answer(page, [
      ['First name', 'Alan'],
      ['Last name', 'Turing'],
    ]);
    await answer(page, [
      ['Day', '23'],
      ['Month', '6'],
      ['Year', '1982'],
    ]);
    await answer(page, [[/National Insurance number/, 'AB123456C']]);
    await answer(page, []);
    await answer(page, [
      ['Address line 1', '1 Old Street'],
      ['Town or city', 'Leeds'],
      ['Postcode', 'LS1 1AA'],
    ]);
    await answer(page, [
      ['Address line 1', '2 New Road'],
      ['Town or city', 'York'],
      ['Postcode', 'YO1 7HH'],
    ]);
    await answer(page, [
      ['Day', '20'],
      ['Month', '11'],
      ['Year', '2026'],
    ]);
    for (const name of ['HM Revenue & Customs', 'City of York Council']) {
      await tabTo(page, name);
      await page.keyboard.press('Space');
    }
    await tabTo(page, 'Continue');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    await page.getByRole('heading', { name: 'Check your answers before telling the departments' }).waitFor();
    await tabTo(page, 'Accept and send');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.getByRole('heading', { name: 'Report sent' }).waitFor();

    await tabTo(page, 'Follow the progress of each department');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForFunction(
      () => {
        const rows = Array.from(document.querySelectorAll('tr[data-status]'));
        return rows.length === 2 && rows.every((row) => row.getAttribute('data-status') === 'CONFIRMED');
      },
      undefined,
      { timeout: 30_000 },
    );
  });
});
