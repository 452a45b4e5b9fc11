import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  DEPARTMENT_DIMENSION,
  METRIC,
  METRICS_NAMESPACE,
  METRICS_SERVICE_NAME,
  UNEXPECTED_ERROR_MESSAGE,
} from '../lambdas/observability/metric-names';

export interface ServiceMonitoringProps {
  readonly httpApi: apigw.IHttpApi;
  readonly stateMachine: sfn.IStateMachine;
  readonly functions: lambda.Function[];
  readonly encryptionKey: kms.IKey;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
  /** Share of deliveries that may fail (percent, over 15 minutes) before anyone is alerted. */
  readonly deliveryFailureRatePercent?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What operators are told and what they look at: alarms on failed workflow executions, the
 * share of failed deliveries, API 5xx answers and throttling, all sent to one (encrypted) SNS
 * topic; and a dashboard of the API, the workflow and each department's deliveries.
 */
export class ServiceMonitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Tell Us Once alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const serviceMetric = (metricName: string, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE_NAME },
        statistic,
        period: FIVE_MINUTES,
      });
    const delivered = serviceMetric(METRIC.delivered);
    const failed = serviceMetric(METRIC.failed);
    const expired = serviceMetric(METRIC.expired);

    const failedExecutions = new cloudwatch.MathExpression({
      label: 'Failed, timed-out and aborted executions',
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: props.stateMachine.metricFailed({ period: FIVE_MINUTES }),
        timedOut: props.stateMachine.metricTimedOut({ period: FIVE_MINUTES }),
        aborted: props.stateMachine.metricAborted({ period: FIVE_MINUTES }),
      },
      period: FIVE_MINUTES,
    });
    const failureRate = new cloudwatch.MathExpression({
      label: 'Failed deliveries (% of settled deliveries)',
      expression: 'IF(delivered + failed > 0, 100 * failed / (delivered + failed), 0)',
      usingMetrics: { delivered, failed },
      period: Duration.minutes(15),
    });
    // A CloudWatch alarm's expression takes at most 10 metrics: the API and workflow functions
    // (the ones whose throttling delays citizens and departments) fit; add a second alarm beyond that.
    const lambdaThrottles = new cloudwatch.MathExpression({
      label: 'Throttled Lambda invocations',
      expression: props.functions.map((_, i) => `t${i}`).join(' + '),
      usingMetrics: Object.fromEntries(
        props.functions.map((fn, i) => [`t${i}`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })]),
      ),
      period: FIVE_MINUTES,
    });
    const api5xx = props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });

    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods = 1) => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is not a fault.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      created.addOkAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(created);
      return created;
    };
    alarm(
      'FailedExecutionsAlarm',
      'A notification workflow failed, timed out or was aborted: some submission will not reach a final status. Look up the execution (named after the submission id) in Step Functions.',
      failedExecutions,
      1,
    );
    alarm(
      'DeliveryFailureRateAlarm',
      `More than ${props.deliveryFailureRatePercent ?? 20}% of settled deliveries failed over 15 minutes: a department endpoint is refusing or gone. See the dashboard's per-department chart.`,
      failureRate,
      props.deliveryFailureRatePercent ?? 20,
      2,
    );
    alarm('Api5xxAlarm', 'The API answered 5xx at least 5 times in 5 minutes (handler faults or storage unavailable).', api5xx, 5);
    // A 500 is never the client's fault and never expected: the first one alerts (503s, which are
    // throttling or an AWS outage, only count towards Api5xxAlarm).
    props.functions.forEach(
      (fn, i) =>
        new logs.MetricFilter(this, `UnexpectedErrors${i}`, {
          logGroup: fn.logGroup,
          filterPattern: logs.FilterPattern.stringValue('$.message', '=', UNEXPECTED_ERROR_MESSAGE),
          metricNamespace: METRICS_NAMESPACE,
          metricName: METRIC.unexpectedErrors,
          metricValue: '1',
        }),
    );
    alarm(
      'UnexpectedErrorsAlarm',
      "A request answered 500: a fault in the service (not the client's, not an AWS outage). Search the API functions' logs for the message \"" +
        UNEXPECTED_ERROR_MESSAGE +
        '".',
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: METRIC.unexpectedErrors, period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
    );
    alarm(
      'LambdaThrottlesAlarm',
      'Lambda invocations were throttled: the delivery function hit its reserved concurrency, or the account its limit. The workflow retries, but sustained throttling delays notifications.',
      lambdaThrottles,
      1,
    );
    // CONTRACT section 9: operators are told at once when an endpoint fails or is disabled (the
    // operator events, GET /v1/operator/events, say which department and why).
    alarm(
      'EndpointFailingAlarm',
      "A department's endpoint turned failing (5 or more failed attempts over 15 minutes or more): its notifications are held, with one probe every 5 minutes. See GET /v1/operator/events for which department and why.",
      serviceMetric(METRIC.endpointFailing),
      1,
    );
    alarm(
      'EndpointDisabledAlarm',
      "A department's endpoint answered 410 and the department was disabled: citizens can no longer choose it until an operator re-enables it with PUT /v1/departments/{id}. See GET /v1/operator/events.",
      serviceMetric(METRIC.endpointDisabled),
      1,
    );
    alarm(
      'WorkflowThrottlesAlarm',
      'Step Functions throttled the notification workflow (StartExecution or state transitions above the account quota).',
      props.stateMachine.metricThrottled({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
    );

    // One line per department (SEARCH: departments are added at run time, not in the template).
    const perDepartment = (metricName: string, statistic: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${DEPARTMENT_DIMENSION},service} MetricName="${metricName}"', '${statistic}', 300)`,
        period: FIVE_MINUTES,
      });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [props.httpApi.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' })],
            right: [props.httpApi.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }), api5xx],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (p50, p99)',
            left: [
              props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }),
              props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Workflow executions',
            left: [
              props.stateMachine.metricStarted({ period: FIVE_MINUTES }),
              props.stateMachine.metricSucceeded({ period: FIVE_MINUTES }),
            ],
            right: [failedExecutions],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Notifications: delivered, failed, expired', left: [delivered, failed, expired], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Failed deliveries (%)', left: [failureRate], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'Time to confirmation (s, p50 and p90)',
            left: [serviceMetric(METRIC.timeToConfirmation, 'p50'), serviceMetric(METRIC.timeToConfirmation, 'p90')],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Delivered, by department', left: [perDepartment(METRIC.delivered, 'Sum')], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Failed, by department', left: [perDepartment(METRIC.failed, 'Sum')], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'Time to confirmation by department (s, p50)',
            left: [perDepartment(METRIC.timeToConfirmation, 'p50')],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Throttling',
            left: [lambdaThrottles, props.stateMachine.metricThrottled({ period: FIVE_MINUTES, statistic: 'Sum' })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Endpoints: failing, healthy again, disabled',
            left: [serviceMetric(METRIC.endpointFailing), serviceMetric(METRIC.endpointHealthy), serviceMetric(METRIC.endpointDisabled)],
            width: 8,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
        ],
      ],
    });
  }
}
