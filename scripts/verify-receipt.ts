// Checks a Tell Us Once proof of notification: `npm run verify-receipt -- <file> [--jwks <url or file>] [--issuer <url>]`.
// The file is what the service hands out (`{"receipt": "<compact JWS>"}`) or the bare JWS.
// Without --jwks the key is fetched from the issuer the receipt names, at <iss>/.well-known/jwks.json.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { RECEIPT_TYPE, type ReceiptClaims } from '../lambdas/domain/notification-receipt';

interface Options {
  readonly file: string;
  readonly jwks?: string;
  readonly issuer?: string;
}

function parseArguments(args: string[]): Options {
  const options: { file?: string; jwks?: string; issuer?: string } = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--jwks' || args[i] === '--issuer') options[args[i] === '--jwks' ? 'jwks' : 'issuer'] = args[++i];
    else if (!options.file) options.file = args[i];
    else throw new Error(`Unexpected argument ${args[i]}`);
  }
  if (!options.file) throw new Error('Usage: npm run verify-receipt -- <file> [--jwks <url or file>] [--issuer <url>]');
  return options as Options;
}

/** The compact JWS in the file: the service's `{"receipt": ...}` answer, or the JWS alone. */
export function receiptIn(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const receipt = (JSON.parse(trimmed) as { receipt?: unknown }).receipt;
    if (typeof receipt !== 'string') throw new Error('The file holds JSON without a "receipt" string');
    return receipt;
  }
  return trimmed;
}

function keySet(source: string): JWTVerifyGetKey {
  return /^https?:\/\//.test(source) ? createRemoteJWKSet(new URL(source)) : createLocalJWKSet(JSON.parse(readFileSync(source, 'utf8')));
}

export async function verifyReceipt(
  receipt: string,
  options: { jwks?: string; issuer?: string },
): Promise<{ claims: ReceiptClaims; keysFrom: string }> {
  const claimedIssuer = String(decodeJwt(receipt).iss ?? '');
  const keysFrom = options.jwks ?? `${options.issuer ?? claimedIssuer}/.well-known/jwks.json`;
  const { payload } = await jwtVerify(receipt, keySet(keysFrom), {
    typ: RECEIPT_TYPE,
    algorithms: ['ES256', 'RS256'],
    ...(options.issuer ? { issuer: options.issuer } : {}),
  });
  return { claims: payload as unknown as ReceiptClaims, keysFrom };
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const receipt = receiptIn(readFileSync(options.file, 'utf8'));
  try {
    const { claims, keysFrom } = await verifyReceipt(receipt, options);
    console.log(`VALID: signed by ${claims.iss} with a key published at ${keysFrom}`);
    if (!options.jwks && !options.issuer) {
      console.log(
        '  The key came from the address the receipt itself names: check it is the Tell Us Once service you expect (or pass --issuer).',
      );
    }
    console.log(
      `Reference ${claims.reference} (submission ${claims.submissionId}, ${claims.type}), issued ${new Date(claims.iat * 1000).toISOString()}`,
    );
    for (const n of claims.notifications) {
      console.log(
        `- ${n.department} [${n.kind}]: ${n.status}; delivered ${n.deliveredAt ?? '-'}; answered ${n.respondedAt ?? '-'}` +
          `${n.departmentReference ? ` (their reference ${n.departmentReference})` : ''}; sent ${n.fields.join(', ') || 'nothing'}`,
      );
    }
  } catch (error) {
    console.log(`NOT VALID: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 2;
  });
}
