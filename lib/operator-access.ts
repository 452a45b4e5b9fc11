import { ArnFormat, CfnOutput, type CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Marks the operator policy in the template, so the one-machine gateway enforces the same document. */
export const OPERATOR_POLICY_METADATA_KEY = 'tell-us-once:operator-policy';

export interface OperatorRoute {
  readonly method: string;
  /** The route's path as API Gateway declares it, e.g. `/v1/departments/{departmentId}`. */
  readonly path: string;
}

export interface OperatorAccessProps {
  readonly httpApi: apigw.HttpApi;
  /** Every route authorised with IAM: an operator may call these, and nothing else of the API. */
  readonly routes: readonly OperatorRoute[];
  /** The operator roles (context `operatorRoleArns`): the policy is attached to them. */
  readonly operatorRoleArns?: readonly string[];
}

/**
 * The IAM resource of one route, as API Gateway authorises a request to it:
 * `arn:…:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. Each path parameter
 * becomes `*`; the stage is `*` as CDK's own grantInvoke writes it (the API has one stage, `$default`).
 */
export function routeArn(stack: Stack, apiId: string, route: OperatorRoute): string {
  return stack.formatArn({
    service: 'execute-api',
    resource: apiId,
    resourceName: routeResource(route),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

const routeResource = (route: OperatorRoute) => `*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;

/**
 * What an operator may do: `execute-api:Invoke` on exactly the operator routes, as one managed
 * policy. It is attached to the roles listed in context `operatorRoleArns` (roles of the deploying
 * account); any other role an administrator attaches it to can call those routes, but the handlers
 * then refuse it unless it is listed. The one-machine gateway evaluates each request to an IAM
 * route against this same document (local/local-api-gateway.ts).
 */
export class OperatorAccess extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arns = props.routes.map((route) => routeArn(stack, props.httpApi.apiId, route));
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `${stack.stackName}: what an operator may call (execute-api:Invoke on the operator routes only)`,
      statements: [new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns })],
    });
    (this.policy.node.defaultChild as iam.CfnManagedPolicy).addMetadata(OPERATOR_POLICY_METADATA_KEY, true);
    (props.operatorRoleArns ?? []).forEach((arn, i) => {
      const role = iam.Role.fromRoleArn(this, `OperatorRole${i}`, arn, { mutable: true });
      // A managed policy is attached by role name, in its own account: another account's role cannot be.
      const roleAccount = arn.split(':')[4];
      if (!Token.isUnresolved(stack.account) && roleAccount !== stack.account) {
        throw new Error(
          `Context operatorRoleArns: ${arn} is not a role of account ${stack.account}; attach the operator policy in the role's own account`,
        );
      }
      this.policy.attachToRole(role);
    });
    new CfnOutput(stack, 'OperatorPolicyArn', {
      value: this.policy.managedPolicyArn,
      description: 'Attach to the roles operators use (context operatorRoleArns attaches it to the listed ones)',
    });
    // The findings name the region and account as synthesized: concrete when the environment is.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const apiLogicalId = stack.getLogicalId(props.httpApi.node.defaultChild as CfnResource);
    Validations.of(this.policy).acknowledge(
      ...props.routes.map((route) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${region}:${account}:<${apiLogicalId}>/${routeResource(route)}]`,
        reason:
          'One operator route of this API: `*` stands for its path parameters (ids known per request) and for the stage (the API has one, $default).',
      })),
    );
  }
}
