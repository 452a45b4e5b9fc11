import { receiptKeySet } from '../application/issue-receipt';
import { serviceReceiptSigner } from '../signing/service-receipt-signer';
import { httpHandler } from './http-handler';
import { json } from '../http/http-responses';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.receiptKeys);

/** GET /.well-known/jwks.json (no authentication): the public key anyone verifies receipts with. */
export const handler = httpHandler({
  'GET /.well-known/jwks.json': async () =>
    json(200, await receiptKeySet(serviceReceiptSigner()), { 'cache-control': 'public, max-age=300' }),
});
