import * as path from 'node:path';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../lambdas/function-declarations';
import { PRECOMPILED_TEMPLATES_FOLDER } from '../lambdas/web/template-names';
import { writePrecompiledTemplates } from '../lambdas/web/template-precompiler';
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
 * Frontend, and their assets. One function per concern (citizens' sign-in, their journey, their
 * pages after sending, their proof of notification, departments', operators', the assets), so each bundle holds only what its
 * pages use: the OpenID client only in the sign-in's, the receipt signing only in the proof's. Their routes are served by the
 * same HTTP API as the API's (`PublicApi`, which the stack gives them to); operator pages are
 * authorised with IAM like the operator API, every other page by its handler from the session cookie.
 */
export class WebPages extends Construct {
  readonly routes: readonly PublicRoute[];
  private readonly pageFunctions: readonly ServiceFunction[];

  constructor(scope: Construct, id: string, props: WebPagesProps) {
    super(scope, id);
    const fn = httpFunctionFactory(this, props, { citizenSignInKey: props.signInKey.key });
    // Not in the API's `functions`: the throttling alarm takes at most 10 metrics (lib/service-monitoring.ts);
    // the pages' faults still count in the API's 5xx alarm.
    // Templates are compiled as the function is bundled: the bundle carries nunjucks' runtime, not its compiler.
    const pages = { writeToBundle: (outputDir: string) => writePrecompiledTemplates(path.join(outputDir, PRECOMPILED_TEMPLATES_FOLDER)) };
    const signIn = fn('CitizenSignInFunction', FUNCTIONS.citizenSignInPages, {
      ...pages,
      // Citizens sign in with the authorization code flow (docs/web.md); the key is a KMS key id, not a secret.
      settings: {
        OIDC_CLIENT_ID: props.identityProvider.clientId,
        OIDC_CLIENT_KEY_ID: props.signInKey.key.keyArn,
        ...(props.identityProvider.redirectUri ? { OIDC_REDIRECT_URI: props.identityProvider.redirectUri } : {}),
      },
    });
    const journey = fn('CitizenJourneyFunction', FUNCTIONS.citizenJourneyPages, pages);
    const afterSending = fn('AfterSendingFunction', FUNCTIONS.afterSendingPages, pages);
    const proof = fn('ProofOfNotificationFunction', FUNCTIONS.proofOfNotificationPages, pages);
    const department = fn('DepartmentPagesFunction', FUNCTIONS.departmentPages, pages);
    const operator = fn('OperatorPagesFunction', FUNCTIONS.operatorPages, pages);
    const assets = fn('AssetsFunction', FUNCTIONS.webAssets, {
      bundleCopies: [
        ['lambdas/web/static', 'static'],
        ['node_modules/govuk-frontend/dist/govuk', 'govuk-frontend/govuk'],
      ],
    });
    this.pageFunctions = [signIn, journey, afterSending, proof, department, operator];

    const { GET, POST } = apigw.HttpMethod;
    this.routes = [
      [GET, '/assets/{proxy+}', assets, 'web'],
      // Citizen pages: each handler finds the citizen's server-side session from the session cookie.
      [GET, '/sign-in', signIn, 'web'],
      [GET, '/sign-in/callback', signIn, 'web'],
      [POST, '/sign-out', signIn, 'web'],
      [GET, '/signed-out', signIn, 'web'],
      [GET, '/', journey, 'web'],
      [GET, '/journey/{step}', journey, 'web'],
      [POST, '/journey/{step}', journey, 'web'],
      [GET, '/submissions/{submissionId}', afterSending, 'web'],
      [GET, '/submissions/{submissionId}/confirmation', afterSending, 'web'],
      [GET, '/submissions/{submissionId}/progress', afterSending, 'web'],
      [GET, '/submissions/{submissionId}/correct', afterSending, 'web'],
      [POST, '/submissions/{submissionId}/correct', afterSending, 'web'],
      [GET, '/submissions/{submissionId}/correct/{step}', afterSending, 'web'],
      [POST, '/submissions/{submissionId}/correct/{step}', afterSending, 'web'],
      [GET, '/submissions/{submissionId}/withdraw', afterSending, 'web'],
      [POST, '/submissions/{submissionId}/withdraw', afterSending, 'web'],
      [GET, '/submissions/{submissionId}/proof', proof, 'web'],
      [GET, '/submissions/{submissionId}/proof/receipt', proof, 'web'],
      // Department pages: the handler finds the department's server-side session from the session cookie.
      [GET, '/department', department, 'web'],
      [GET, '/department/sign-in', department, 'web'],
      [POST, '/department/sign-in', department, 'web'],
      [POST, '/department/sign-out', department, 'web'],
      [POST, '/department/notifications/{notificationId}', department, 'web'],
      // Operator pages: IAM, like the operator API (docs/web.md); signing in and out is public.
      [GET, '/operator', operator, 'operator'],
      [POST, '/operator/notifications/{notificationId}/redeliver', operator, 'operator'],
      [GET, '/operator/sign-in', operator, 'web'],
      [POST, '/operator/sign-in', operator, 'web'],
      [POST, '/operator/sign-out', operator, 'web'],
    ];
  }

  /** Where the service is reached: pages link to it, and receipts name it as their issuer (each function that declares it is given it). */
  usePublicBaseUrl(url: string): void {
    for (const pages of this.pageFunctions) pages.useSettings({ PUBLIC_BASE_URL: url });
  }
}
