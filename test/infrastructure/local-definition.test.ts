import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/service-function';
import { stateMachineDefinition } from '../../local/template-resources';
import { startTestService } from '../support/local-service-fixture';

/** The ASL that runs on one machine is the ASL that deploys: compared with the real `cdk synth`. */
describe('the state machine on one machine', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'tuo-cdk-out-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is exactly the definition `cdk synth` puts in the template', async () => {
    execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1' },
      stdio: 'pipe',
      timeout: 180_000,
    });
    const deployed = stateMachineDefinition(JSON.parse(readFileSync(path.join(outdir, 'TellUsOnce.template.json'), 'utf8')));

    const fixture = await startTestService();
    try {
      expect(fixture.service.workflowDefinition).toEqual(deployed.definition);
      expect(JSON.stringify(fixture.service.workflowDefinition)).toContain('waitForTaskToken');
    } finally {
      await fixture.stop();
    }
  }, 240_000);
});
