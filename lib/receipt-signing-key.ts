import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs citizens' proofs of notification
 * (CONTRACT section 11). Its private key never leaves KMS. Which functions may sign or read the
 * public key is declared with each function (lambdas/function-declarations.ts, `receiptSigningKey`),
 * and granted from there by lib/function-access.ts.
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
}
