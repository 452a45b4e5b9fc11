import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { composeTellUsOnceApp } from '../lib/tell-us-once-app';
import { PROJECT_ROOT } from '../lib/service-function';

export interface CloudFormationTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }>;
  [key: string]: unknown;
}

/**
 * Synthesizes the stack in-process, exactly as `cdk synth` does (same composition, same cdk.json
 * context) but without bundling Lambda code, which the one-machine runtime loads from source.
 */
export function synthesizeTemplate(): CloudFormationTemplate {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const outdir = mkdtempSync(path.join(tmpdir(), 'tell-us-once-synth-'));
  try {
    const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const stack = composeTellUsOnceApp(app);
    return app.synth({ validateOnSynthesis: false }).getStackArtifact(stack.artifactId).template as CloudFormationTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
