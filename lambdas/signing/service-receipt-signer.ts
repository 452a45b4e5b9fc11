import { serviceSettings } from '../service-settings';
import { KmsReceiptSigner } from './kms-receipt-signer';
import type { ReceiptSigner } from './receipt-signer';

/**
 * The receipt signer of this deployment (`RECEIPT_SIGNING_KEY_ARN`), one per request: its public
 * key is fetched from KMS each time (one GetPublicKey per receipt or JWKS request; the JWKS is
 * cached at the edge for 5 minutes). Not one per module: on one machine every function shares the
 * process's modules, and a module-wide cache would let one function's call stand in for another's,
 * hiding which function really uses which grant (test/least-privilege.test.ts).
 */
export function serviceReceiptSigner(): ReceiptSigner {
  return new KmsReceiptSigner(serviceSettings.receiptSigningKeyArn);
}
