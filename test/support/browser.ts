/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium; .ci/run installs it), driven by playwright-core. */
export const CHROMIUM_PATH = process.env.TUO_CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's WCAG 2.0/2.1/2.2 A and AA rules (and its best practices) run on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

/**
 * Signs in at the one-machine OpenID provider's page (where "Start now" or any signed-in page
 * leads), as GOV.UK One Login's would be on AWS, and waits to be back on the service.
 */
export async function signInAtProvider(page: Page, citizenId: string, email?: string): Promise<void> {
  await page.getByLabel('Citizen id').fill(citizenId);
  if (email) await page.getByLabel('Email address (optional)').fill(email);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/dev/')), page.getByRole('button', { name: 'Continue' }).click()]);
}
