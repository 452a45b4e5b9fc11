import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';

export interface PublicDistributionProps {
  readonly httpApi: apigw.IHttpApi;
  /** The AWS WAF web ACL (scope CLOUDFRONT, in us-east-1) in front of every request. */
  readonly webAclArn: string;
}

// CloudFront drops the viewer's Host on its way to API Gateway (which answers only its own name),
// so the pages' same-origin check would compare the browser's Origin with the API's name. This
// passes the name the browser used along; it is set on every request, so a client cannot choose it.
const FORWARD_VIEWER_HOST = `function handler(event) {
  var request = event.request;
  request.headers['x-forwarded-host'] = { value: request.headers.host.value };
  return request;
}`;

/**
 * CloudFront in front of the HTTP API: every request passes the edge firewall (AWS WAF) first, the
 * API's answers are never cached, and the GOV.UK Frontend assets are cached at the edge.
 */
export class PublicDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: PublicDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const api = new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    // Nothing of the API is kept: answers without max-age are not cached (default TTL 0). The
    // Authorization header is in the key only because CloudFront forwards it on GET and HEAD
    // only when it is (AWS documents this); cookies and query strings are, so no two clients could share an answer.
    const uncached = new cloudfront.CachePolicy(this, 'ApiCachePolicy', {
      comment: 'Tell Us Once API: nothing cached unless the answer says so, per client',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
      cookieBehavior: cloudfront.CacheCookieBehavior.all(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    });
    const forwardHost = new cloudfront.Function(this, 'ForwardViewerHost', {
      code: cloudfront.FunctionCode.fromInline(FORWARD_VIEWER_HOST),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Passes the viewer Host on as x-forwarded-host',
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Tell Us Once',
      webAclId: props.webAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: api,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: uncached,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: forwardHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Versioned assets say `max-age=86400` (lambdas/web/static-assets.ts); the edge keeps them.
        '/assets/*': {
          origin: api,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          compress: true,
        },
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          "No geographic restriction: citizens report a move from abroad too, and departments' systems may call from any region. The WAF rate limit and managed rule sets apply to every country.",
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "No CloudFront access logs: they would keep every citizen's IP address, personal data the service keeps nowhere else. The API stage logs ids, routes and statuses of every request (lib/public-api.ts), and AWS WAF samples blocked requests with its metrics.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot be restricted to TLS 1.2; a custom domain with its ACM certificate (docs/deploy.md) sets TLSv1.2_2021. The origin connection is TLS 1.2 only.',
      },
    );
  }
}
