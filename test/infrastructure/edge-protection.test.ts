import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EDGE_FIREWALL_REGION, MANAGED_RULE_GROUPS } from '../../lib/edge-firewall';
import { composeTellUsOnceApp } from '../../lib/tell-us-once-app';

// Per-client throttling on AWS: CloudFront + AWS WAF in front of the HTTP API, each route its own limit.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [], wafRequestsPerIpPer5Minutes: '600' } });
const stack = composeTellUsOnceApp(app);
const template = Template.fromStack(stack);
const json = template.toJSON() as { Resources: Record<string, any>; Parameters: Record<string, any> };
const firewallStack = app.node.findChild('TellUsOnceFirewall') as import('aws-cdk-lib').Stack;
const firewall = Template.fromStack(firewallStack);
const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

describe('the edge firewall (AWS WAF)', () => {
  it('is its own stack in us-east-1, where WAF for CloudFront must be, and outputs the web ACL ARN', () => {
    expect(firewallStack.region).toBe(EDGE_FIREWALL_REGION);
    firewall.resourceCountIs('AWS::WAFv2::WebACL', 1);
    firewall.hasOutput('WebAclArn', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
  });

  it('limits each client IP address, from context, answering 429', () => {
    firewall.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Priority: 0,
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 600, EvaluationWindowSec: 300 } },
          Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } } },
        }),
      ]),
    });
  });

  it('runs the AWS managed common rule sets, without blocking bodies the contract accepts (up to 64 KiB)', () => {
    const [acl] = Object.values(firewall.findResources('AWS::WAFv2::WebACL')) as any[];
    const managed = acl.Properties.Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((r: any) => r.Statement.ManagedRuleGroupStatement.Name)).toEqual([...MANAGED_RULE_GROUPS]);
    expect(managed.map((r: any) => r.Statement.ManagedRuleGroupStatement.Name)).toContain('AWSManagedRulesCommonRuleSet');
    for (const rule of managed) expect(rule.OverrideAction).toEqual({ None: {} }); // Their blocks apply.
    const common = managed.find((r: any) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  it('refuses a rate below the AWS WAF minimum', () => {
    const low = new App({ context: { 'aws:cdk:bundling-stacks': [], wafRequestsPerIpPer5Minutes: '5' } });
    expect(() => composeTellUsOnceApp(low)).toThrow(/wafRequestsPerIpPer5Minutes/);
  });
});

describe('the CloudFront distribution', () => {
  const [, distribution] = resources('AWS::CloudFront::Distribution')[0] ?? [];
  const config = distribution?.Properties.DistributionConfig;

  it('puts the web ACL given at deployment in front of every request', () => {
    expect(json.Parameters.WebAclArn).toMatchObject({
      Type: 'String',
      AllowedPattern: expect.stringContaining('arn:aws:wafv2:us-east-1:'),
    });
    expect(config.WebACLId).toEqual({ Ref: 'WebAclArn' });
  });

  it('sends everything to the HTTP API over TLS 1.2, uncached and per client', () => {
    const [origin] = config.Origins;
    expect(JSON.stringify(origin.DomainName)).toContain('execute-api');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    const behaviour = config.DefaultCacheBehavior;
    expect(behaviour.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
    const [, policy] = resources('AWS::CloudFront::CachePolicy').find(([id]) => behaviour.CachePolicyId.Ref === id)!;
    expect(policy.Properties.CachePolicyConfig).toMatchObject({
      DefaultTTL: 0,
      MinTTL: 0,
      ParametersInCacheKeyAndForwardedToOrigin: {
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
        CookiesConfig: { CookieBehavior: 'all' },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
      },
    });
    expect(behaviour.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
  });

  it('caches the static assets at the edge', () => {
    expect(config.CacheBehaviors).toEqual([
      expect.objectContaining({
        PathPattern: '/assets/*',
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // CloudFront's managed CachingOptimized
        Compress: true,
      }),
    ]);
  });

  it('is the public address handed out (confirmation URLs) unless a custom one is given', () => {
    const [distributionId] = resources('AWS::CloudFront::Distribution')[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Departments answer'),
      Environment: {
        Variables: Match.objectLike({
          PUBLIC_BASE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
        }),
      },
    });
  });
});

describe('route throttling', () => {
  const routeKeys = resources('AWS::ApiGatewayV2::Route')
    .map(([, r]) => r.Properties.RouteKey)
    .filter((key) => key !== '$default');
  const [stageId, stage] = resources('AWS::ApiGatewayV2::Stage')[0];
  const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;

  it('gives every route its own limit, lower where reports start workflows and where credentials are tried', () => {
    expect(Object.keys(settings).sort()).toEqual([...routeKeys].sort());
    expect(routeKeys.length).toBeGreaterThan(20);
    for (const key of routeKeys)
      expect(settings[key]).toEqual({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
    expect(settings['POST /v1/submissions'].ThrottlingRateLimit).toBeLessThan(
      settings['GET /v1/submissions/{submissionId}'].ThrottlingRateLimit,
    );
    expect(settings['POST /department/sign-in'].ThrottlingRateLimit).toBeLessThan(
      settings['GET /v1/departments/{departmentId}/notifications'].ThrottlingRateLimit,
    );
    expect(settings['POST /operator/sign-in']).toEqual(settings['POST /department/sign-in']);
  });

  it('deploys the stage after the routes its settings name', () => {
    const routeIds = resources('AWS::ApiGatewayV2::Route')
      .filter(([, r]) => r.Properties.RouteKey !== '$default')
      .map(([id]) => id);
    expect(json.Resources[stageId].DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});

describe('a quick trial without edge protection (-c edgeProtection=false)', () => {
  const trial = new App({ context: { 'aws:cdk:bundling-stacks': [], edgeProtection: 'false' } });
  const trialStack = composeTellUsOnceApp(trial);
  const trialTemplate = Template.fromStack(trialStack);

  it('has no firewall stack, no distribution and no web ACL parameter; the routes keep their limits', () => {
    expect(trial.node.tryFindChild('TellUsOnceFirewall')).toBeUndefined();
    trialTemplate.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect((trialTemplate.toJSON() as any).Parameters?.WebAclArn).toBeUndefined();
    trialTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({ 'POST /v1/submissions': Match.anyValue() }),
    });
  });
});
