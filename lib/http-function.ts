import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionDeclaration } from '../lambdas/function-declarations';
import { grantDeclaredAccess, type ServiceResources } from './function-access';
import type { ReceiptSigningKey } from './receipt-signing-key';
import { ServiceFunction, type ServiceFunctionProps, type ServiceSettingValues } from './service-function';
import type { ServiceTable } from './service-table';

/** What the functions behind the HTTP API (the API's and the web pages') are built from. */
export interface HttpFunctionProps {
  readonly table: ServiceTable;
  readonly stateMachine: sfn.IStateMachine;
  readonly settings: ServiceSettingValues;
  readonly encryptionKey: kms.IKey;
  /** Signs proofs of notification, for the API and the web pages; its public key is the JWKS. */
  readonly receiptSigningKey: ReceiptSigningKey;
}

export type HttpFunctionFactory = (id: string, declaration: FunctionDeclaration, more?: Partial<ServiceFunctionProps>) => ServiceFunction;

/**
 * Makes one construct's functions behind the HTTP API: each is given the settings it declares
 * (`more.settings` adds to them) and granted exactly the access it declares.
 */
export function httpFunctionFactory(
  scope: Construct,
  props: HttpFunctionProps,
  moreResources: Partial<ServiceResources> = {},
): HttpFunctionFactory {
  const settings: ServiceSettingValues = {
    ...props.settings,
    STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
    RECEIPT_SIGNING_KEY_ARN: props.receiptSigningKey.key.keyArn,
  };
  const resources: ServiceResources = {
    table: props.table,
    encryptionKey: props.encryptionKey,
    stateMachine: props.stateMachine,
    receiptSigningKey: props.receiptSigningKey.key,
    ...moreResources,
  };
  return (id, declaration, more = {}) => {
    const created = new ServiceFunction(scope, id, {
      declaration,
      encryptionKey: props.encryptionKey,
      ...more,
      settings: { ...settings, ...more.settings },
    });
    grantDeclaredAccess(created, resources);
    return created;
  };
}
