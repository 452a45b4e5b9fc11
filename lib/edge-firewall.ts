import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS WAF attaches to CloudFront only from us-east-1, whatever the region of the service. */
export const EDGE_FIREWALL_REGION = 'us-east-1';

export interface EdgeFirewallProps {
  /** Requests one client IP address may send in any 5-minute window before it is answered 429. */
  readonly requestsPerIpPer5Minutes: number;
}

/** The AWS managed rule groups run in front of the service, in this order. */
export const MANAGED_RULE_GROUPS = [
  // OWASP-style protections (bad user agents, path traversal, SSRF in bodies, XSS, oversized parts).
  'AWSManagedRulesCommonRuleSet',
  // Request patterns of known exploits (Log4j, Java deserialisation, bad host headers).
  'AWSManagedRulesKnownBadInputsRuleSet',
  // IP addresses Amazon threat intelligence sees in bots and attacks.
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * The web ACL in front of the service's CloudFront distribution: a rate limit per client IP
 * address, so one client flooding requests (junk tokens included) is refused at the edge and
 * never spends the API stage's shared throttle, and the AWS managed common rule sets.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Tell Us Once: rate limit per client IP and AWS managed rule sets',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('TellUsOnceEdge'),
      customResponseBodies: {
        TooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: 'about:blank',
            title: 'Too Many Requests',
            status: 429,
            detail: 'Too many requests from your address. Try again in a few minutes.',
          }),
        },
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.requestsPerIpPer5Minutes, evaluationWindowSec: 300 } },
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyRequests' } } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        ...MANAGED_RULE_GROUPS.map((name, index) => ({
          name,
          priority: index + 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              // The contract takes bodies up to 64 KiB (a larger one answers 413 problem+json from
              // the API); the common rule set would block any body over 8 KB. Counted, not blocked.
              ...(name === 'AWSManagedRulesCommonRuleSet'
                ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
                : {}),
            },
          },
          visibilityConfig: visibility(name),
        })),
      ],
    });
  }
}

export interface EdgeFirewallStackProps extends StackProps, EdgeFirewallProps {}

/** The edge firewall on its own, in us-east-1; its `WebAclArn` output is the service's `webAclArn`. */
export class EdgeFirewallStack extends Stack {
  readonly firewall: EdgeFirewall;

  constructor(scope: Construct, id: string, props: EdgeFirewallStackProps) {
    super(scope, id, { ...props, env: { account: props.env?.account, region: EDGE_FIREWALL_REGION } });
    this.firewall = new EdgeFirewall(this, 'Firewall', props);
    new CfnOutput(this, 'WebAclArn', {
      value: this.firewall.webAcl.attrArn,
      description: 'Give it to the service stack as -c webAclArn=...',
    });
  }
}
