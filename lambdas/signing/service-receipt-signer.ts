import { serviceSettings } from '../service-settings';
import { KmsReceiptSigner } from './kms-receipt-signer';
import type { ReceiptSigner } from './receipt-signer';

let signer: ReceiptSigner | undefined;

/** The receipt signer of this deployment (`RECEIPT_SIGNING_KEY_ARN`), one per container so its public key is fetched once. */
export function serviceReceiptSigner(): ReceiptSigner {
  signer ??= new KmsReceiptSigner(serviceSettings.receiptSigningKeyArn);
  return signer;
}
