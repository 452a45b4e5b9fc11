import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../lambdas/function-declarations';
import type { CitizenSignInKey } from './citizen-sign-in-key';
import { httpFunctionFactory, type HttpFunctionProps } from './http-function';
import type { PublicRoute } from './public-api';
import type { ServiceFunction } from './service-function';
import type { IdentityProviderSettings } from './tell-us-once-stack';

export interface WebPagesProps extends HttpFunctionProps {
  readonly identityProvider: IdentityProviderSettings;
  /** Signs the web pages' private_key_jwt assertions at the provider's token endpoint. */
  readonly signInKey: CitizenSignInKey;
}

/**
 * The web pages (docs/web.md): citizen, department and operator pages server-rendered with GOV.UK
 * Frontend, and their assets, each from its own function. Their routes are served by the same HTTP
 * API as the API's (`PublicApi`, which the stack gives them to); operator pages are authorised with
 * IAM like the operator API, every other page by its handler from the session cookie.
 */
export class WebPages extends Construct {
  readonly routes: readonly PublicRoute[];
  private readonly pages: ServiceFunction;

  constructor(scope: Construct, id: string, props: WebPagesProps) {
    super(scope, id);
    const fn = httpFunctionFactory(this, props, { citizenSignInKey: props.signInKey.key });
    // GOV.UK Frontend: the bundle carries it.
    const govukFrontend = ['node_modules/govuk-frontend/dist/govuk', 'govuk-frontend/govuk'] as const;
    // Not in the API's `functions`: the throttling alarm takes at most 10 metrics (lib/service-monitoring.ts);
    // the pages' faults still count in the API's 5xx alarm.
    const pages = fn('PagesFunction', FUNCTIONS.webPages, {
      // Citizens sign in with the authorization code flow (docs/web.md); the key is a KMS key id, not a secret.
      settings: {
        OIDC_CLIENT_ID: props.identityProvider.clientId,
        OIDC_CLIENT_KEY_ID: props.signInKey.key.keyArn,
        ...(props.identityProvider.redirectUri ? { OIDC_REDIRECT_URI: props.identityProvider.redirectUri } : {}),
      },
      bundleCopies: [['lambdas/web/templates', 'templates'], govukFrontend],
      // nunjucks loads chokidar only to watch templates, which a Lambda never does.
      externalModules: ['chokidar', 'fsevents'],
    });
    const assets = fn('AssetsFunction', FUNCTIONS.webAssets, {
      bundleCopies: [['lambdas/web/static', 'static'], govukFrontend],
    });
    this.pages = pages;

    const { GET, POST } = apigw.HttpMethod;
    this.routes = [
      [GET, '/assets/{proxy+}', assets, 'web'],
      // Citizen pages: each handler finds the citizen's server-side session from the session cookie.
      [GET, '/', pages, 'web'],
      [GET, '/sign-in', pages, 'web'],
      [GET, '/sign-in/callback', pages, 'web'],
      [POST, '/sign-out', pages, 'web'],
      [GET, '/signed-out', pages, 'web'],
      [GET, '/journey/{step}', pages, 'web'],
      [POST, '/journey/{step}', pages, 'web'],
      [GET, '/submissions/{submissionId}', pages, 'web'],
      [GET, '/submissions/{submissionId}/confirmation', pages, 'web'],
      [GET, '/submissions/{submissionId}/progress', pages, 'web'],
      [GET, '/submissions/{submissionId}/correct', pages, 'web'],
      [POST, '/submissions/{submissionId}/correct', pages, 'web'],
      [GET, '/submissions/{submissionId}/correct/{step}', pages, 'web'],
      [POST, '/submissions/{submissionId}/correct/{step}', pages, 'web'],
      [GET, '/submissions/{submissionId}/withdraw', pages, 'web'],
      [POST, '/submissions/{submissionId}/withdraw', pages, 'web'],
      [GET, '/submissions/{submissionId}/proof', pages, 'web'],
      [GET, '/submissions/{submissionId}/proof/receipt', pages, 'web'],
      // Department pages: the handler finds the department's server-side session from the session cookie.
      [GET, '/department', pages, 'web'],
      [GET, '/department/sign-in', pages, 'web'],
      [POST, '/department/sign-in', pages, 'web'],
      [POST, '/department/sign-out', pages, 'web'],
      [POST, '/department/notifications/{notificationId}', pages, 'web'],
      // Operator pages: IAM, like the operator API (docs/web.md); signing in and out is public.
      [GET, '/operator', pages, 'operator'],
      [POST, '/operator/notifications/{notificationId}/redeliver', pages, 'operator'],
      [GET, '/operator/sign-in', pages, 'web'],
      [POST, '/operator/sign-in', pages, 'web'],
      [POST, '/operator/sign-out', pages, 'web'],
    ];
  }

  /** Where the service is reached: pages link to it, and receipts name it as their issuer. */
  usePublicBaseUrl(url: string): void {
    this.pages.useSettings({ PUBLIC_BASE_URL: url });
  }
}
