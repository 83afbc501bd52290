/**
 * Operations for the AWS targets of one environment: one SNS topic (the
 * environment's route: e-mail subscriptions and the webhook), CloudWatch
 * alarms on each target, and one CloudWatch dashboard.
 *
 * Ratios (5xx per request) are metric-math alarms: CloudWatch has no SLO
 * resource, so they page at the fast-burn rate of the availability objective
 * (see lib/monitoring/objectives.ts). Latency alarms compare the p99 with the
 * latency objective. Outside health checks of the AWS origins run from
 * Cloudflare (lib/edge/monitoring.ts): Route 53 health-check metrics exist
 * only in us-east-1, which would need a second provider and topic here.
 */
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { CloudMonitoringProps } from "../contract/cloud";
import { alertName, type Runbook, runbookText, type Signal } from "../monitoring/alerts";
import { ALERT_WINDOW, type Objectives } from "../monitoring/objectives";
import type { ServiceSpec } from "../service";
import { ContainerTarget } from "./container-target";
import { FunctionTarget } from "./function-target";
import { awsName } from "./naming";
import type { AwsSettings } from "./settings";

/** What the cloud registry gives (lib/contract/cloud.ts): the environment's AWS targets, objectives and route. */
export type AwsMonitoringProps = CloudMonitoringProps<AwsSettings>;

/** One CloudWatch metric, as alarms and dashboard widgets name it. */
interface Metric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Maximum`, `p99`... */
  readonly stat: string;
}

interface AlarmSpec {
  readonly target: "aws.function" | "aws.container";
  readonly signal: Signal;
  readonly what: string;
  readonly runbook: Runbook;
  readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  /** The alarm's value: one metric, or an expression over `metrics` (ids m0, m1...). */
  readonly metrics: readonly Metric[];
  readonly expression?: string;
  /** @default "notBreaching": no traffic is no error */
  readonly missing?: "notBreaching" | "breaching";
}

/** An alarm created here and what it watches (read by the parity test and the docs). */
export interface AwsAlert {
  readonly target: string;
  readonly signal: Signal;
  readonly alarm: CloudwatchMetricAlarm;
}

export class AwsMonitoring extends Construct {
  /** The environment's route on AWS. */
  readonly topic: SnsTopic;
  readonly alerts: AwsAlert[] = [];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: AwsMonitoringProps) {
    super(scope, id);
    const { spec, objectives, route } = props;
    const { region } = props.settings;
    const fn = props.targets.find((t): t is FunctionTarget => t instanceof FunctionTarget);
    const container = props.targets.find((t): t is ContainerTarget => t instanceof ContainerTarget);
    this.topic = new SnsTopic(this, "route", {
      name: awsName([route.name], 256),
      displayName: `${spec.name} ${route.environment} alerts`,
    });
    route.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    });
    if (route.webhookUrl !== undefined) {
      new SnsTopicSubscription(this, "webhook", {
        topicArn: this.topic.arn,
        protocol: "https",
        endpoint: route.webhookUrl,
      });
    }

    const widgets: unknown[] = [];
    if (fn !== undefined) {
      const specs = functionAlarms(fn, objectives);
      if (objectives.silencedBecause === undefined) for (const s of specs) this.alarm(spec, s);
      widgets.push(...functionWidgets(fn, region));
    }
    if (container !== undefined) {
      const specs = containerAlarms(container, objectives, spec);
      if (objectives.silencedBecause === undefined) for (const s of specs) this.alarm(spec, s);
      widgets.push(...containerWidgets(container, region));
    }
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: awsName([spec.name, spec.environment], 255),
      dashboardBody: Fn.jsonencode({ widgets }),
    });
  }

  private alarm(spec: ServiceSpec, s: AlarmSpec): void {
    const name = alertName({ service: spec.name, environment: spec.environment }, s.target, s.signal, s.what);
    const queries: CloudwatchMetricAlarmMetricQuery[] = s.metrics.map((m, i) => ({
      id: `m${i}`,
      returnData: s.expression === undefined,
      metric: {
        namespace: m.namespace,
        metricName: m.name,
        dimensions: { ...m.dimensions },
        stat: m.stat,
        period: ALERT_WINDOW.periodSeconds,
      },
    }));
    if (s.expression !== undefined) {
      queries.push({ id: "value", expression: s.expression, label: s.what, returnData: true });
    }
    const alarm = new CloudwatchMetricAlarm(this, `${s.target.replace(".", "-")}-${s.signal}-${s.what}`, {
      alarmName: name,
      alarmDescription: runbookText(s.runbook),
      comparisonOperator: s.comparison,
      threshold: s.threshold,
      evaluationPeriods: ALERT_WINDOW.evaluationPeriods,
      datapointsToAlarm: ALERT_WINDOW.evaluationPeriods,
      metricQuery: queries,
      treatMissingData: s.missing ?? "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
    this.alerts.push({ target: s.target, signal: s.signal, alarm });
  }
}

const window = `${ALERT_WINDOW.evaluationPeriods} consecutive ${ALERT_WINDOW.periodSeconds / 60}-minute periods`;

function functionAlarms(fn: FunctionTarget, o: Objectives): AlarmSpec[] {
  const lambda = (name: string, stat: string): Metric => ({
    namespace: "AWS/Lambda",
    name,
    dimensions: { FunctionName: fn.function.functionName },
    stat,
  });
  const api = (name: string): Metric => ({
    namespace: "AWS/ApiGateway",
    name,
    dimensions: { ApiId: fn.api.id, Stage: "$default" },
    stat: "Sum",
  });
  return [
    {
      target: "aws.function",
      signal: "error",
      what: "rate",
      runbook: {
        means: "The Lambda function fails invocations faster than the availability objective allows.",
        when: `errors exceed ${o.errorRatePercent}% of invocations for ${window}`,
        check: "the function's log group (/aws/lambda/...) for the error, and whether a new version went live.",
      },
      comparison: "GreaterThanThreshold",
      threshold: o.errorRatePercent,
      metrics: [lambda("Errors", "Sum"), lambda("Invocations", "Sum")],
      expression: "IF(m1 > 0, 100 * m0 / m1, 0)",
    },
    {
      target: "aws.function",
      signal: "error",
      what: "http-5xx",
      runbook: {
        means: "The HTTP API in front of the function answers 5xx (function errors, timeouts, throttles).",
        when: `5xx exceed ${o.errorRatePercent}% of requests for ${window}`,
        check: "the API's access log group (/aws/apigateway/...) for integrationError and status.",
      },
      comparison: "GreaterThanThreshold",
      threshold: o.errorRatePercent,
      metrics: [api("5xx"), api("Count")],
      expression: "IF(m1 > 0, 100 * m0 / m1, 0)",
    },
    {
      target: "aws.function",
      signal: "latency",
      what: "p99",
      runbook: {
        means: "Function duration is above the latency objective.",
        when: `p99 duration exceeds ${o.latencyP99Ms} ms for ${window}`,
        check: "X-Ray traces of slow invocations, cold starts (Init Duration in the logs), downstream calls.",
      },
      comparison: "GreaterThanThreshold",
      threshold: o.latencyP99Ms,
      metrics: [lambda("Duration", "p99")],
    },
    {
      target: "aws.function",
      signal: "saturation",
      what: "throttles",
      runbook: {
        means: "Lambda refuses invocations: the function's reserved concurrency (maxInstances) is used up.",
        when: `any invocation is throttled in ${window}`,
        check: "ConcurrentExecutions on the dashboard; raise service.maxInstances or find what made requests slow.",
      },
      comparison: "GreaterThanThreshold",
      threshold: 0,
      metrics: [lambda("Throttles", "Sum")],
    },
  ];
}

function containerAlarms(ct: ContainerTarget, o: Objectives, spec: ServiceSpec): AlarmSpec[] {
  const lb = ct.loadBalancer;
  const alb = (name: string, stat: string): Metric => ({
    namespace: "AWS/ApplicationELB",
    name,
    dimensions: { LoadBalancer: lb.loadBalancer.arnSuffix },
    stat,
  });
  const groups = [lb.primaryTargetGroup, ...(lb.alternateTargetGroup === undefined ? [] : [lb.alternateTargetGroup])];
  const minTasks = Math.max(spec.minInstances, 1);
  return [
    {
      target: "aws.container",
      signal: "error",
      what: "target-5xx-rate",
      runbook: {
        means: "The ECS tasks answer 5xx faster than the availability objective allows.",
        when: `target 5xx exceed ${o.errorRatePercent}% of load balancer requests for ${window}`,
        check: "the service's log group (/ecs/...) and the ECS service events for failing deployments.",
      },
      comparison: "GreaterThanThreshold",
      threshold: o.errorRatePercent,
      metrics: [alb("HTTPCode_Target_5XX_Count", "Sum"), alb("RequestCount", "Sum")],
      expression: "IF(m1 > 0, 100 * m0 / m1, 0)",
    },
    {
      target: "aws.container",
      signal: "latency",
      what: "p99",
      runbook: {
        means: "The tasks answer slower than the latency objective.",
        when: `p99 target response time exceeds ${o.latencyP99Ms / 1000} s for ${window}`,
        check: "CPU and memory of the service (Container Insights); whether autoscaling is at maxInstances.",
      },
      comparison: "GreaterThanThreshold",
      // The ALB reports seconds.
      threshold: o.latencyP99Ms / 1000,
      metrics: [alb("TargetResponseTime", "p99")],
    },
    {
      target: "aws.container",
      signal: "saturation",
      what: "unhealthy-hosts",
      runbook: {
        means: "Tasks fail the load balancer's health check on the service's health path.",
        when: `any target is unhealthy for ${window}`,
        check: "the ECS service events (stopped tasks, reasons) and the task logs around the health path.",
      },
      comparison: "GreaterThanThreshold",
      threshold: 0,
      metrics: groups.map((group) => ({
        namespace: "AWS/ApplicationELB",
        name: "UnHealthyHostCount",
        dimensions: { LoadBalancer: lb.loadBalancer.arnSuffix, TargetGroup: group.arnSuffix },
        stat: "Maximum",
      })),
      expression: groups.map((_, i) => `m${i}`).join(" + "),
    },
    {
      target: "aws.container",
      signal: "saturation",
      what: "running-tasks",
      runbook: {
        means: "Fewer tasks run than the service's minimum: tasks crash or cannot start.",
        when: `fewer than ${minTasks} task(s) run for ${window}`,
        check: "the ECS service events (image pull, secrets, health check failures) and stopped task reasons.",
      },
      comparison: "LessThanThreshold",
      threshold: minTasks,
      metrics: [
        {
          namespace: "ECS/ContainerInsights",
          name: "RunningTaskCount",
          dimensions: { ClusterName: ct.cluster.name, ServiceName: ct.service.name },
          stat: "Minimum",
        },
      ],
      // No data means no task reports: as bad as none running.
      missing: "breaching",
    },
  ];
}

/** A CloudWatch metric widget: `[namespace, name, dim, value..., {stat}]` rows. */
function widget(title: string, region: string, rows: unknown[][], stat?: string): unknown {
  return {
    type: "metric",
    width: 8,
    height: 6,
    properties: { title, region, view: "timeSeries", period: 60, metrics: rows, ...(stat ? { stat } : {}) },
  };
}

/** Requests, 5xx rate, p50/p99 latency, instances: the same four panels on every cloud. */
function functionWidgets(fn: FunctionTarget, region: string): unknown[] {
  const api = ["ApiId", fn.api.id, "Stage", "$default"];
  const lambda = ["FunctionName", fn.function.functionName];
  return [
    widget("aws.function requests", region, [["AWS/ApiGateway", "Count", ...api, { stat: "Sum" }]]),
    widget("aws.function 5xx rate (%)", region, [
      ["AWS/ApiGateway", "5xx", ...api, { stat: "Sum", id: "e", visible: false }],
      ["AWS/ApiGateway", "Count", ...api, { stat: "Sum", id: "n", visible: false }],
      [{ expression: "IF(n > 0, 100 * e / n, 0)", label: "5xx %" }],
    ]),
    widget("aws.function latency p50/p99 (ms)", region, [
      ["AWS/Lambda", "Duration", ...lambda, { stat: "p50" }],
      ["AWS/Lambda", "Duration", ...lambda, { stat: "p99" }],
    ]),
    widget("aws.function instances (concurrent executions)", region, [
      ["AWS/Lambda", "ConcurrentExecutions", ...lambda, { stat: "Maximum" }],
    ]),
  ];
}

function containerWidgets(ct: ContainerTarget, region: string): unknown[] {
  const lb = ["LoadBalancer", ct.loadBalancer.loadBalancer.arnSuffix];
  return [
    widget("aws.container requests", region, [["AWS/ApplicationELB", "RequestCount", ...lb, { stat: "Sum" }]]),
    widget("aws.container 5xx rate (%)", region, [
      ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb, { stat: "Sum", id: "e", visible: false }],
      ["AWS/ApplicationELB", "RequestCount", ...lb, { stat: "Sum", id: "n", visible: false }],
      [{ expression: "IF(n > 0, 100 * e / n, 0)", label: "5xx %" }],
    ]),
    widget("aws.container latency p50/p99 (s)", region, [
      ["AWS/ApplicationELB", "TargetResponseTime", ...lb, { stat: "p50" }],
      ["AWS/ApplicationELB", "TargetResponseTime", ...lb, { stat: "p99" }],
    ]),
    widget("aws.container instances (running tasks)", region, [
      ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", ct.cluster.name, "ServiceName", ct.service.name],
    ]),
  ];
}
