import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The private key with which the web pages authenticate to GOV.UK One Login's token endpoint
 * (private_key_jwt): an asymmetric KMS key, so the private half never leaves KMS and is never in
 * an environment variable or the table. Its public half is what the service registers with One
 * Login (docs/deploy.md). The web pages alone may sign with it: declared with them
 * (lambdas/function-declarations.ts, `citizenSignInKey`) and granted by lib/function-access.ts.
 */
export class CitizenSignInKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: "Tell Us Once: signs the web pages' private_key_jwt client assertions for GOV.UK One Login",
      keySpec: kms.KeySpec.RSA_2048,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      // Nothing is encrypted with it: a new key only means registering its public half again.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addAlias(`alias/${Stack.of(this).stackName}-citizen-sign-in`);
  }
}
