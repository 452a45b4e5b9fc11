import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The environment variable naming the key to the functions that use it (`lambdas/service-settings.ts`). */
const KEY_ARN_VARIABLE = 'RECEIPT_SIGNING_KEY_ARN';

/**
 * The asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs citizens' proofs of notification
 * (CONTRACT section 11). Its private key never leaves KMS; functions are granted `kms:Sign` and
 * `kms:GetPublicKey` on this key alone, each only what it calls.
 */
export class ReceiptSigningKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Tell Us Once: signs proofs of notification (receipts); the private key never leaves KMS',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      // Receipts already issued must stay verifiable: the key outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
  }

  /** The function signs receipts: `kms:Sign`, and `kms:GetPublicKey` for the `kid` it names. */
  grantSigning(fn: lambda.Function): void {
    this.key.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
    fn.addEnvironment(KEY_ARN_VARIABLE, this.key.keyArn);
  }

  /** The function publishes the public key (the JWKS): `kms:GetPublicKey` only. */
  grantPublishing(fn: lambda.Function): void {
    this.key.grant(fn, 'kms:GetPublicKey');
    fn.addEnvironment(KEY_ARN_VARIABLE, this.key.keyArn);
  }
}
