import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as nunjucks from 'nunjucks';
import { precompiledTemplatesIn, templateEnvironment } from '../../lambdas/web/page-renderer';
import { pageTemplateNames, writePrecompiledTemplates } from '../../lambdas/web/template-precompiler';

/**
 * The page functions carry nunjucks' runtime only and render the templates the build compiled into
 * their bundle (lib/web-pages.ts). Every page must come out exactly as nunjucks renders it from the
 * .njk sources, GOV.UK Frontend's macros included.
 */
describe('precompiled page templates', () => {
  const templates = path.join(__dirname, '..', '..', 'lambdas', 'web', 'templates');
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'tuo-templates-'));
    writePrecompiledTemplates(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const context = {
    title: 'A <page> title',
    message: 'Go back & try again',
    errors: [{ inputId: 'name', text: 'Enter your name' }],
    errorList: [{ text: 'Enter your name', href: '#name' }],
    csrfToken: 'token',
    cspNonce: 'nonce',
    signOut: '/sign-out',
    signedInAs: 'citizen-1',
    rows: [{ key: { text: 'Name' }, value: { text: 'Ada <Lovelace>' } }],
    step: { kind: 'name', slug: 'name', question: 'What is your name?', field: 'name' },
    values: { 'given-name': 'Ada' },
  };

  it('include every template a page uses, GOV.UK Frontend ones included', () => {
    const names = pageTemplateNames();
    expect(names).toEqual(expect.arrayContaining(['layout.njk', 'govuk/template.njk', 'govuk/components/button/template.njk']));
  });

  it.each(readdirSync(templates).filter((f) => f.endsWith('.njk')))('render %s exactly as nunjucks renders its source', (name) => {
    const fromSource = new nunjucks.Environment(
      new nunjucks.FileSystemLoader([templates, path.join(__dirname, '..', '..', 'node_modules', 'govuk-frontend', 'dist')]),
      { autoescape: true, throwOnUndefined: false },
    ).render(name, context);
    const precompiled = templateEnvironment(precompiledTemplatesIn(directory)).render(name, context);
    expect(precompiled).toBe(fromSource);
    expect(precompiled.length).toBeGreaterThan(0);
  });
});
