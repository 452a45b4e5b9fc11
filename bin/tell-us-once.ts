#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { composeTellUsOnceApp } from '../lib/tell-us-once-app';

const app = new App();
// Every synth (and so every diff and deploy) runs the AWS Solutions rules; an unacknowledged
// finding stops it. Acknowledgements sit next to the resources they concern, with their reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
composeTellUsOnceApp(app);
