import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../lambdas/function-declarations';
import { grantDeclaredAccess } from './function-access';
import { ServiceFunction, type ServiceSettingValues } from './service-function';
import type { ServiceTable } from './service-table';

export interface RetentionSweeperProps {
  readonly table: ServiceTable;
  readonly settings: ServiceSettingValues;
  readonly encryptionKey: kms.IKey;
}

/**
 * Erases personal data whose retention period has ended, hourly, and records it in the audit
 * trail. The table's TTL on `expiresAt`, a day later, is the backstop (it deletes only the personal
 * data item, and gives no audit entry).
 */
export class RetentionSweeper extends Construct {
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: RetentionSweeperProps) {
    super(scope, id);
    const fn = new ServiceFunction(this, 'EraseDuePersonalDataFunction', {
      declaration: FUNCTIONS.eraseDuePersonalData,
      settings: props.settings,
      timeout: Duration.minutes(5),
      encryptionKey: props.encryptionKey,
    });
    grantDeclaredAccess(fn, { table: props.table, encryptionKey: props.encryptionKey });
    this.function = fn;
    new events.Rule(this, 'Hourly', {
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn)],
    });
  }
}
