// Serves GOV.UK Frontend's assets (CSS, JavaScript, fonts, images) and the service's own script
// from the function itself: no CDN, and the same files on AWS (copied into the bundle) and locally.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problemResponse } from '../http/http-responses';
import { withLambdaContext } from '../observability/logger';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.webAssets);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * GOV.UK Frontend: next to the handler in the Lambda bundle (copied there by the function's
 * bundling hooks), or the project's own when run from source on one machine.
 */
function govukFrontendDirectory(): string {
  const bundled = path.join(__dirname, 'govuk-frontend');
  // lambdas/web -> the project's node_modules (a path, not require.resolve, which esbuild would try to bundle).
  return existsSync(bundled) ? bundled : path.join(__dirname, '..', '..', 'node_modules', 'govuk-frontend', 'dist');
}

/** Where `/assets/<name>` is read from: our own script, GOV.UK Frontend's assets folder, or its dist root. */
function candidates(name: string): string[] {
  const govukFrontend = govukFrontendDirectory();
  return [path.join(__dirname, 'static', name), path.join(govukFrontend, 'govuk', 'assets', name), path.join(govukFrontend, 'govuk', name)];
}

export const handler = withLambdaContext(serveAsset);

async function serveAsset(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const name = path.posix.normalize(event.pathParameters?.proxy ?? '');
  const type = CONTENT_TYPES[path.extname(name)];
  // Only known file types, and never a path that climbs out of the asset folders.
  if (!type || name.startsWith('..') || name.startsWith('/') || name.includes('\0')) {
    return problemResponse(404, 'There is nothing at this address.');
  }
  for (const file of candidates(name)) {
    try {
      const content = await readFile(file);
      const versioned = !name.startsWith('tell-us-once');
      return {
        statusCode: 200,
        headers: {
          'content-type': type,
          'cache-control': versioned ? 'public, max-age=86400' : 'no-cache',
          'x-content-type-options': 'nosniff',
        },
        body: content.toString('base64'),
        isBase64Encoded: true,
      };
    } catch {
      // Not in this folder: try the next.
    }
  }
  return problemResponse(404, 'There is nothing at this address.');
}
