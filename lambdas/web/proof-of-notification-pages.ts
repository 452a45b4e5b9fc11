// The proof of notification (docs/receipts.md): a printable page saying what the signed receipt
// says, and the receipt itself to download. A function of its own: only it signs receipts.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { issueReceipt } from '../application/issue-receipt';
import { json } from '../http/http-responses';
import { serviceSettings } from '../service-settings';
import { serviceReceiptSigner } from '../signing/service-receipt-signer';
import { serviceRepositories } from '../store/service-repositories';
import { ownSubmission, requireCitizen, signOutContext } from './citizen-session';
import { errorPage, htmlHandler, page } from './html-handler';
import { formatDateTime } from './notification-progress';
import { proofRows, receiptFileName } from './proof-of-notification';

checkEnvironment(FUNCTIONS.proofOfNotificationPages);

const repositories = serviceRepositories();

async function ownReceipt(event: APIGatewayProxyEventV2, citizenId: string) {
  const submission = await ownSubmission(repositories.submissions, event, citizenId);
  if (!submission) return undefined;
  const issued = await issueReceipt(
    {
      ...repositories,
      signer: serviceReceiptSigner(),
      issuer: serviceSettings.publicBaseUrl,
      now: () => new Date(),
    },
    submission,
  );
  return { submission, ...issued };
}

/** A printable page saying what the signed receipt says, with the receipt to download. */
async function proofPage(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const proof = await ownReceipt(event, citizen);
  if (!proof) return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  const names = new Map((await repositories.departments.list()).map((d) => [d.id, d.name]));
  const issuedAt = new Date(proof.claims.iat * 1000).toISOString();
  return page(event, 'proof.njk', {
    title: 'Proof of notification',
    reference: proof.claims.reference,
    submissionId: proof.submission.id,
    issuedAtIso: issuedAt,
    issuedAt: formatDateTime(issuedAt),
    rows: proofRows(proof.claims, (id) => names.get(id) ?? id),
    keyId: proof.keyId,
    jwksUrl: `${proof.claims.iss}/.well-known/jwks.json`,
    receiptHref: `/submissions/${proof.submission.id}/proof/receipt`,
    receiptFileName: receiptFileName(proof.claims.reference),
    ...signOutContext(citizen),
  });
}

/** The signed receipt as a file, in the same shape the API answers: `{"receipt": "<compact JWS>"}`. */
async function receiptDownload(event: APIGatewayProxyEventV2) {
  const citizen = await requireCitizen(event);
  if (typeof citizen !== 'string') return citizen;
  const proof = await ownReceipt(event, citizen);
  if (!proof) return errorPage(event, 404, 'Page not found', 'There is no report at this address.');
  return json(
    200,
    { receipt: proof.receipt },
    {
      'content-disposition': `attachment; filename="${receiptFileName(proof.claims.reference)}"`,
      'x-content-type-options': 'nosniff',
    },
  );
}

export const handler = htmlHandler({
  'GET /submissions/{submissionId}/proof': proofPage,
  'GET /submissions/{submissionId}/proof/receipt': receiptDownload,
});
