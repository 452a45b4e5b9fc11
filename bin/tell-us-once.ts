#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { composeTellUsOnceApp } from '../lib/tell-us-once-app';

composeTellUsOnceApp(new App());
