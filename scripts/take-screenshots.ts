/// <reference lib="dom" />
// `npm run screenshots`: every web page, captured from the real service on this machine with
// Debian's chromium, into docs/screenshots/. Runs on a throwaway data directory.
import '../local/process-environment';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startLocalService } from '../local/local-service';
import { launchBrowser } from '../test/support/browser';
import { changeOfAddress, ServiceClient } from '../test/support/service-client';

const OUT = path.join(__dirname, '..', 'docs', 'screenshots');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tuo-screenshots-'));
  // Demo departments wait (10 minutes) before answering, so the department page has work to show.
  const service = await startLocalService({
    port: 0,
    dataDir,
    demo: true,
    timeScale: 0.001,
    demoConfirmDelayMs: 600_000,
    log: () => undefined,
  });
  const client = new ServiceClient(service.url, service.adminToken);
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    const shot = async (name: string) => {
      await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
      console.log(`docs/screenshots/${name}.png`);
    };
    const next = async (p: Page, button = 'Continue') => {
      await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: button }).click()]);
    };

    await page.goto(service.url);
    await shot('01-start');
    await page.getByRole('button', { name: 'Start now' }).click();
    await page.getByLabel('Citizen id').waitFor();
    await shot('02-sign-in');
    await page.getByLabel('Citizen id').fill('citizen-ada');
    await next(page);
    await shot('03-name');
    await next(page);
    await shot('04-name-with-errors');
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await next(page);
    await page.getByLabel('Day').fill('10');
    await page.getByLabel('Month').fill('12');
    await page.getByLabel('Year').fill('1985');
    await shot('05-date-of-birth');
    await next(page);
    await page.getByLabel(/National Insurance number/).fill('AB 12 34 56 C');
    await shot('06-national-insurance-number');
    await next(page);
    await page.getByLabel(/email address/).fill('ada@example.org');
    await shot('07-email');
    await next(page);
    await page.getByLabel('Address line 1').fill('1 Old Street');
    await page.getByLabel('Town or city').fill('Leeds');
    await page.getByLabel('Postcode').fill('LS1 1AA');
    await shot('08-previous-address');
    await next(page);
    await page.getByLabel('Address line 1').fill('2 New Road');
    await page.getByLabel('Town or city').fill('York');
    await page.getByLabel('Postcode').fill('YO1 7HH');
    await shot('09-new-address');
    await next(page);
    await page.getByLabel('Day').fill('20');
    await page.getByLabel('Month').fill('11');
    await page.getByLabel('Year').fill('2026');
    await shot('10-moved-on');
    await next(page);
    for (const name of ['HM Revenue & Customs', 'Driver and Vehicle Licensing Agency', 'City of York Council'])
      await page.getByLabel(name).check();
    await shot('11-departments');
    await next(page);
    await shot('12-check-answers');
    await next(page, 'Accept and send');
    await shot('13-confirmation');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Follow the progress of each department' }).click()]);
    await page.waitForFunction(() => document.querySelectorAll('tr[data-status="DELIVERED"]').length === 3, undefined, { timeout: 30_000 });
    await shot('14-status-waiting');

    // A department answers from its page.
    const demo = JSON.parse(readFileSync(path.join(dataDir, 'demo-departments.json'), 'utf8')) as Record<string, { apiKey: string }>;
    const department = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await department.goto(`${service.url}/department`);
    await department.screenshot({ path: path.join(OUT, '15-department-sign-in.png'), fullPage: true });
    await department.getByLabel('Your department’s API key').fill(demo.hmrc.apiKey);
    await next(department, 'Sign in');
    await department.screenshot({ path: path.join(OUT, '16-department-awaiting.png'), fullPage: true });
    await department.getByLabel('Yes, our records are updated').check();
    await department.getByLabel(/Your reference/).fill('HMRC-2026-0042');
    await next(department, 'Send answer');
    await department.screenshot({ path: path.join(OUT, '17-department-answered.png'), fullPage: true });
    console.log('docs/screenshots/15..17-department-*.png');

    await page.waitForSelector('tr[data-department="hmrc"][data-status="CONFIRMED"]', { timeout: 30_000 });
    await shot('18-status-progress');

    // The operator: a department whose endpoint refuses deliveries, and its failed notification.
    await client.registerDepartment('broken-endpoint', {
      name: 'Example Agency (broken endpoint)',
      webhookUrl: `${service.url}/demo/departments/not-there/webhook`,
      events: ['address.changed'],
      fields: ['person.givenName', 'newAddress'],
    });
    const token = await client.citizenToken('citizen-grace');
    const accepted = await client.submit(token, 'screenshots-1', changeOfAddress(['broken-endpoint']));
    await client.waitForSubmission(token, accepted.json.id, (s) => s.notifications[0].status === 'FAILED');
    const operator = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await operator.goto(`${service.url}/operator`);
    await operator.screenshot({ path: path.join(OUT, '19-operator-sign-in.png'), fullPage: true });
    await operator.getByLabel('Admin token').fill(service.adminToken);
    await next(operator, 'Sign in');
    await operator.screenshot({ path: path.join(OUT, '20-operator.png'), fullPage: true });
    console.log('docs/screenshots/19..20-operator-*.png');
  } finally {
    await browser.close();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
