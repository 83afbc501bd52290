/**
 * Operations for the AWS targets of one environment: one SNS topic (the
 * environment's route: e-mail subscriptions and the webhook), CloudWatch
 * alarms on each target, and one CloudWatch dashboard.
 *
 * The availability objective is alerted with the SRE workbook's multiwindow
 * burn rates (lib/monitoring/burn-rate.ts): per tier, one metric-math alarm
 * per window (5xx / requests over a period as long as the window, with a
 * minimum request count) and a composite alarm `ALARM(long) AND
 * ALARM(short)` that notifies. Window alarms have no actions of their own.
 * CloudWatch evaluates alarms every minute over a sliding window, and allows
 * period x evaluation periods up to 7 days for periods of an hour or more, so
 * the 3-day ticket window is one 259200 s period. Latency alarms compare the
 * p99 with the latency objective. Outside health checks of the AWS origins run from
 * Cloudflare (lib/edge/monitoring.ts): Route 53 health-check metrics exist
 * only in us-east-1, which would need a second provider and topic here.
 */
import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { dependable, Fn } from "cdktf";
import { Construct } from "constructs";
import type { CloudMonitoringProps } from "../contract/cloud";
import { alertName, hostOf, probeMeaning, runbookText, type Signal } from "../monitoring/alerts";
import { type BurnAlert, burnAlerts, burnWhen, windowLabel } from "../monitoring/burn-rate";
import { ALERT_WINDOW, MEMORY_SATURATION_PERCENT, type Objectives } from "../monitoring/objectives";
import { type AlertRoute, assertRouted } from "../monitoring/route";
import { type AlertRow, alertId } from "../monitoring/rows";
import { sourcePath, TOKEN_PARAM } from "../relay/worker/contract";
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

/** One threshold alarm as data (docs/adding-a-cloud.md, "Adding an alert"): the constructor's loop makes one alarm of each. */
export interface AwsAlarmRow extends AlertRow<"aws.function" | "aws.container"> {
  readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  /** The alarm's value: one metric, or an expression over `metrics` (ids m0, m1...). */
  readonly metrics: readonly Metric[];
  readonly expression?: string;
  /** @default "notBreaching": no traffic is no error */
  readonly missing?: "notBreaching" | "breaching";
}

/** A 5xx-per-request SLI: the burn-rate alarms divide `bad` (summed) by `total`. */
interface RatioSli {
  readonly target: "aws.function" | "aws.container";
  /** The workload's name (a reference), tagged on the burn alarms so policy ties them to it (BP_OPS_3). */
  readonly workload: string;
  readonly what: string;
  readonly bad: readonly Metric[];
  readonly total: Metric;
  readonly means: string;
  readonly check: string;
}

/** An alarm created here and what it watches (read by the parity test and the docs). */
export interface AwsAlert {
  readonly target: string;
  readonly signal: Signal;
  readonly alarm: CloudwatchMetricAlarm | CloudwatchCompositeAlarm;
}

/** Route 53 publishes health-check metrics only here; their alarms and the topic they notify live here too. */
export const ROUTE53_METRICS_REGION = "us-east-1";

export class AwsMonitoring extends Construct {
  /** The environment's route on AWS. */
  readonly topic: SnsTopic;
  /** The route's twin in us-east-1, for the Route 53 health-check alarms (only when there are any). */
  topicUsEast1?: SnsTopic;
  readonly healthChecks: Route53HealthCheck[] = [];
  /** Alarms on the route's own delivery failures (meta-monitoring). */
  readonly deliveryAlarms: CloudwatchMetricAlarm[] = [];
  readonly alerts: AwsAlert[] = [];
  /** The targets' threshold alarms as data (also when silenced: no alarm is made then); burn tiers and probes are built below. */
  readonly rows: AwsAlarmRow[] = [];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: AwsMonitoringProps) {
    super(scope, id);
    const { spec, objectives, route } = props;
    const { region } = props.settings;
    // The contract names a target (`identifiers.name`, the workload tag); `instanceof` reaches what it does
    // not carry: the API, load balancer and ECS service the metrics and the deployment alarms are keyed by.
    const fn = props.targets.find((t): t is FunctionTarget => t instanceof FunctionTarget);
    const container = props.targets.find((t): t is ContainerTarget => t instanceof ContainerTarget);
    this.topic = new SnsTopic(this, "route", {
      name: awsName([route.name], 256),
      displayName: `${spec.name} ${route.environment} alerts`,
    });
    subscribe(this, "", this.topic, route);

    const widgets: unknown[] = [];
    if (fn !== undefined) {
      this.rows.push(...functionAlarms(fn, objectives));
      widgets.push(...functionWidgets(fn, region));
    }
    if (container !== undefined) {
      this.rows.push(...containerAlarms(container, objectives, spec));
      widgets.push(...containerWidgets(container, region));
    }
    // The table becomes alarms: one per row, each to the topic; then each SLI's burn tiers.
    if (objectives.silencedBecause === undefined) {
      assertRouted(this, route);
      for (const row of this.rows) this.alarm(spec, row);
      if (fn !== undefined) this.burnAlarms(spec, functionSli(fn), objectives);
      if (container !== undefined) {
        this.deploymentAlarms(container, this.burnAlarms(spec, containerSli(container), objectives));
      }
    }
    // Outside checks: Route 53 where Cloudflare does not probe (the zone's plan, lib/edge/plan.ts).
    const probes = [
      ...(props.originsProbedByEdge === true
        ? []
        : props.targets.map(({ origin }) => ({ id: origin.id, url: origin.endpoint, path: spec.healthPath }))),
      ...(props.probeEdge ?? []).map((probe) => ({
        id: probe.what === "health" ? "edge" : "edge-origin",
        url: probe.url,
        path: probe.path,
      })),
    ];
    for (const probe of probes) this.route53Check(spec, route, probe, objectives.silencedBecause === undefined);
    // Watch the alerting path itself: a webhook or address SNS cannot deliver to.
    if (objectives.silencedBecause === undefined) {
      for (const topic of [this.topic, ...(this.topicUsEast1 === undefined ? [] : [this.topicUsEast1])]) {
        this.deliveryAlarm(spec, topic);
      }
    }

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: awsName([spec.name, spec.environment], 255),
      dashboardBody: Fn.jsonencode({ widgets }),
    });
  }

  /** SNS failed to deliver a notification of `topic` (a webhook refusing, a deleted subscription). */
  private deliveryAlarm(spec: ServiceSpec, topic: SnsTopic): void {
    const twin = topic === this.topicUsEast1;
    const alarm = new CloudwatchMetricAlarm(this, `route-delivery${twin ? "-us-east-1" : ""}`, {
      region: twin ? ROUTE53_METRICS_REGION : undefined,
      alarmName: `${spec.name}-${spec.environment}-alerts-delivery${twin ? "-us-east-1" : ""}`,
      alarmDescription: runbookText({
        means: "SNS could not deliver an alert notification: someone on the route did not get it.",
        when: "any notification of the topic fails delivery within 5 minutes",
        check:
          "SNS > Topics > the route > Subscriptions (pending confirmation, endpoint errors) and the delivery status logs.",
      }),
      namespace: "AWS/SNS",
      metricName: "NumberOfNotificationsFailed",
      dimensions: { TopicName: topic.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      // The e-mails still arrive when the webhook is what fails.
      alarmActions: [topic.arn],
    });
    this.deliveryAlarms.push(alarm);
  }

  /** A Route 53 health check on `probe`'s health path, and its alarm in us-east-1 to the route's twin there. */
  private route53Check(
    spec: ServiceSpec,
    route: AlertRoute,
    probe: { readonly id: string; readonly url: string; readonly path: string },
    alertsOn: boolean,
  ): void {
    const key = probe.id.replace(".", "-");
    const check = new Route53HealthCheck(this, `${key}-health`, {
      type: "HTTPS",
      fqdn: hostOf(probe.url),
      port: 443,
      resourcePath: probe.path,
      enableSni: true,
      requestInterval: 30,
      failureThreshold: 3,
      tags: { Name: `${spec.name}-${spec.environment}-${key}-health` },
    });
    this.healthChecks.push(check);
    if (!alertsOn) return;
    if (this.topicUsEast1 === undefined) {
      this.topicUsEast1 = new SnsTopic(this, "route-us-east-1", {
        region: ROUTE53_METRICS_REGION,
        name: awsName([route.name], 256),
        displayName: `${spec.name} ${route.environment} alerts`,
      });
      subscribe(this, "us-east-1-", this.topicUsEast1, route, ROUTE53_METRICS_REGION);
    }
    const throughEdge = probe.id === "edge-origin";
    const target = throughEdge ? "edge" : probe.id;
    const alarm = new CloudwatchMetricAlarm(this, `${key}-availability-health`, {
      region: ROUTE53_METRICS_REGION,
      alarmName: alertName(
        { service: spec.name, environment: spec.environment },
        target,
        "availability",
        throughEdge ? "origin-health" : "health",
      ),
      alarmDescription: runbookText({
        means: probeMeaning(probe.id),
        when: `Route 53's checkers report GET ${probe.path} unhealthy (3 failures 30 s apart) for a minute`,
        check: "Route 53 > Health checks for the failing checkers' responses, then that target's alerts.",
      }),
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: check.id },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 1,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      alarmActions: [this.topicUsEast1.arn],
      okActions: [this.topicUsEast1.arn],
    });
    this.alerts.push({ target, signal: "availability", alarm });
  }

  /**
   * ECS's own canary watches the fastest burn tier's short window (5xx share of the ALB's requests over
   * 5 minutes) and the p99 latency alarm: either in ALARM during the deployment fails it and ECS rolls
   * back to the last completed deployment, instead of baking its way to 100%. Metric alarms only (the
   * tiers' composites notify); the names are literal, and the service waits for the alarms to exist.
   */
  private deploymentAlarms(container: ContainerTarget, windows: readonly CloudwatchMetricAlarm[][]): void {
    if (container.loadBalancer.alternateTargetGroup === undefined) return; // no canary: a rolling deployment
    const fastShort = windows[0]?.[1];
    const latency = this.alerts.find((a) => a.target === "aws.container" && a.signal === "latency")?.alarm;
    const alarms = [fastShort, latency].filter((a): a is CloudwatchMetricAlarm => a instanceof CloudwatchMetricAlarm);
    if (alarms.length === 0) return;
    const service = container.service;
    service.putAlarms({
      alarmNames: alarms.map((alarm) => alarm.alarmNameInput ?? alarm.alarmName),
      enable: true,
      rollback: true,
    });
    service.dependsOn = [...(service.dependsOn ?? []), ...alarms.map((alarm) => dependable(alarm))];
  }

  /** Per burn tier: a window alarm for the long and the short window, and the composite that notifies; returns the window alarms per tier. */
  private burnAlarms(spec: ServiceSpec, sli: RatioSli, objectives: Objectives): CloudwatchMetricAlarm[][] {
    const tiers: CloudwatchMetricAlarm[][] = [];
    const base = { service: spec.name, environment: spec.environment };
    const key = sli.target.replace(".", "-");
    for (const burn of burnAlerts(objectives)) {
      const what = `${sli.what}-burn-${burn.name}`;
      const windows = [burn.longWindowSeconds, burn.shortWindowSeconds].map((seconds) =>
        this.windowAlarm(`${key}-error-${what}-${windowLabel(seconds)}`, base, sli, burn, seconds),
      );
      tiers.push(windows);
      const alarm = new CloudwatchCompositeAlarm(this, `${key}-error-${what}`, {
        alarmName: alertName(base, sli.target, "error", what),
        alarmDescription: runbookText({
          means: `${burn.severity === "page" ? "Page" : "Ticket"}: ${sli.means} The error budget burns ${burn.burnRate}x faster than the ${objectives.availabilityPercent}% objective allows.`,
          when: burnWhen(burn),
          check: sli.check,
        }),
        alarmRule: windows.map((w) => `ALARM("${w.alarmName}")`).join(" AND "),
        tags: { workload: sli.workload },
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      });
      this.alerts.push({ target: sli.target, signal: "error", alarm });
    }
    return tiers;
  }

  /** 5xx / requests over one window (one period as long as the window), 0 below the minimum request count. */
  private windowAlarm(
    id: string,
    base: { readonly service: string; readonly environment: string },
    sli: RatioSli,
    burn: BurnAlert,
    seconds: number,
  ): CloudwatchMetricAlarm {
    const query = (m: Metric, id: string): CloudwatchMetricAlarmMetricQuery => ({
      id,
      returnData: false,
      metric: {
        namespace: m.namespace,
        metricName: m.name,
        dimensions: { ...m.dimensions },
        stat: m.stat,
        period: seconds,
      },
    });
    const bad = sli.bad.map((m, i) => query(m, `bad${i}`));
    // A 5xx count has no data point in a window without errors: FILL makes it 0.
    const badSum = bad.map((q) => `FILL(${q.id}, 0)`).join(" + ");
    return new CloudwatchMetricAlarm(this, id, {
      alarmName: alertName(base, sli.target, "error", `${sli.what}-burn-${burn.name}-${windowLabel(seconds)}`),
      alarmDescription: `Window of a burn-rate alarm (no action of its own): 5xx share of requests over ${windowLabel(seconds)} at or above ${burn.errorRatio}, at least ${burn.minRequests} requests.`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: burn.errorRatio,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      metricQuery: [
        ...bad,
        query(sli.total, "total"),
        {
          id: "ratio",
          expression: `IF(FILL(total, 0) >= ${burn.minRequests}, (${badSum}) / total, 0)`,
          label: `5xx ratio over ${windowLabel(seconds)}`,
          returnData: true,
        },
      ],
    });
  }

  private alarm(spec: ServiceSpec, s: AwsAlarmRow): void {
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
    const alarm = new CloudwatchMetricAlarm(this, alertId(s), {
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

/** The route's e-mail subscriptions (each address confirms once per topic) and its webhook, on `topic`. */
function subscribe(scope: Construct, prefix: string, topic: SnsTopic, route: AlertRoute, region?: string): void {
  route.emails.forEach((email, i) => {
    new SnsTopicSubscription(scope, `${prefix}email-${i}`, {
      region,
      topicArn: topic.arn,
      protocol: "email",
      endpoint: email,
    });
  });
  if (route.webhookUrl !== undefined) {
    new SnsTopicSubscription(scope, `${prefix}webhook`, {
      region,
      topicArn: topic.arn,
      protocol: "https",
      endpoint: route.webhookUrl,
    });
  }
  // The relay checks the SNS signature and the token, and confirms the subscription itself.
  if (route.relay !== undefined) {
    new SnsTopicSubscription(scope, `${prefix}relay`, {
      region,
      topicArn: topic.arn,
      protocol: "https",
      endpoint: `${route.relay.url}${sourcePath("aws")}?${TOKEN_PARAM}=${route.relay.token}`,
      // The relay answers the confirmation; a minute later than that, the apply fails instead of leaving it pending.
      endpointAutoConfirms: true,
      confirmationTimeoutInMinutes: 5,
      dependsOn: [...(route.relay.dependsOn ?? [])],
    });
  }
}

const window = `${ALERT_WINDOW.evaluationPeriods} consecutive ${ALERT_WINDOW.periodSeconds / 60}-minute periods`;

function functionAlarms(fn: FunctionTarget, o: Objectives): AwsAlarmRow[] {
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
      signal: "latency",
      what: "api-p99",
      runbook: {
        means: "The HTTP API answers slower than the latency objective (function time plus API Gateway's own).",
        when: `p99 API latency exceeds ${o.latencyP99Ms} ms for ${window}`,
        check: "IntegrationLatency against Latency on the dashboard: the gap is API Gateway, the rest the function.",
      },
      comparison: "GreaterThanThreshold",
      threshold: o.latencyP99Ms,
      metrics: [{ ...api("Latency"), stat: "p99" }],
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

function containerAlarms(ct: ContainerTarget, o: Objectives, spec: ServiceSpec): AwsAlarmRow[] {
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
      what: "no-healthy-hosts",
      runbook: {
        means: "No task behind the load balancer passes its health check: every request gets a 502/503 from the ALB.",
        when: `the healthy target count stays below 1 for ${window}`,
        check: "the ECS service events (stopped tasks, reasons) and the task logs around the health path.",
      },
      comparison: "LessThanThreshold",
      threshold: 1,
      metrics: [
        {
          namespace: "AWS/ApplicationELB",
          name: "HealthyHostCount",
          dimensions: { LoadBalancer: lb.loadBalancer.arnSuffix, TargetGroup: lb.primaryTargetGroup.arnSuffix },
          stat: "Minimum",
        },
      ],
      // No data: the target group reports nothing, as bad as no healthy host.
      missing: "breaching",
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
    ...(["CPUUtilization", "MemoryUtilization"] as const).map(
      (name): AwsAlarmRow => ({
        target: "aws.container",
        signal: "saturation",
        what: name === "CPUUtilization" ? "cpu" : "memory",
        runbook: {
          means: `The tasks use nearly all their ${name === "CPUUtilization" ? "CPU (requests slow down)" : "memory (ECS kills a task past its limit)"}.`,
          when: `average ${name} exceeds ${MEMORY_SATURATION_PERCENT}% of the task size for ${window}`,
          check:
            "the service's CPU and memory on the dashboard; whether autoscaling is at maxInstances; raise service.memoryMb.",
        },
        comparison: "GreaterThanThreshold",
        threshold: MEMORY_SATURATION_PERCENT,
        metrics: [
          {
            namespace: "AWS/ECS",
            name,
            dimensions: { ClusterName: ct.cluster.name, ServiceName: ct.service.name },
            stat: "Average",
          },
        ],
      }),
    ),
  ];
}

/** The HTTP API's 5xx over its requests: what a user of the function target sees (Lambda errors end as 5xx). */
function functionSli(fn: FunctionTarget): RatioSli {
  const api = (name: string): Metric => ({
    namespace: "AWS/ApiGateway",
    name,
    dimensions: { ApiId: fn.api.id, Stage: "$default" },
    stat: "Sum",
  });
  return {
    target: "aws.function",
    workload: fn.identifiers.name,
    what: "http-5xx",
    bad: [api("5xx")],
    total: api("Count"),
    means: "The HTTP API in front of the function answers 5xx (function errors, timeouts, throttles).",
    check:
      "the API's access log group (/aws/apigateway/...) for integrationError and status, then the function's log group.",
  };
}

/** 5xx from the tasks and from the load balancer itself (no healthy target, timeouts) over its requests. */
function containerSli(ct: ContainerTarget): RatioSli {
  const alb = (name: string): Metric => ({
    namespace: "AWS/ApplicationELB",
    name,
    dimensions: { LoadBalancer: ct.loadBalancer.loadBalancer.arnSuffix },
    stat: "Sum",
  });
  return {
    target: "aws.container",
    workload: ct.identifiers.name,
    what: "http-5xx",
    bad: [alb("HTTPCode_Target_5XX_Count"), alb("HTTPCode_ELB_5XX_Count")],
    total: alb("RequestCount"),
    means: "The load balancer answers 5xx, from the tasks or its own (no healthy target, timeouts).",
    check: "the service's log group (/ecs/...), the ECS service events for failing deployments, and HealthyHostCount.",
  };
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
    errorRateWidget(
      "aws.function 5xx rate (%)",
      region,
      ["AWS/ApiGateway", "5xx", ...api],
      ["AWS/ApiGateway", "Count", ...api],
    ),
    percentilesWidget("aws.function latency p50/p99 (ms)", region, ["AWS/Lambda", "Duration", ...lambda]),
    widget("aws.function instances (concurrent executions)", region, [
      ["AWS/Lambda", "ConcurrentExecutions", ...lambda, { stat: "Maximum" }],
    ]),
  ];
}

function containerWidgets(ct: ContainerTarget, region: string): unknown[] {
  const lb = ["LoadBalancer", ct.loadBalancer.loadBalancer.arnSuffix];
  return [
    widget("aws.container requests", region, [["AWS/ApplicationELB", "RequestCount", ...lb, { stat: "Sum" }]]),
    errorRateWidget(
      "aws.container 5xx rate (%)",
      region,
      ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb],
      ["AWS/ApplicationELB", "RequestCount", ...lb],
    ),
    percentilesWidget("aws.container latency p50/p99 (s)", region, ["AWS/ApplicationELB", "TargetResponseTime", ...lb]),
    widget("aws.container instances (running tasks)", region, [
      ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", ct.cluster.name, "ServiceName", ct.service.name],
    ]),
  ];
}

/** `100 * errors / requests` as a percentage (0 with no requests), from two summed metrics (`[namespace, name, dim...]`). */
function errorRateWidget(title: string, region: string, errors: unknown[], requests: unknown[]): unknown {
  return widget(title, region, [
    [...errors, { stat: "Sum", id: "e", visible: false }],
    [...requests, { stat: "Sum", id: "n", visible: false }],
    [{ expression: "IF(n > 0, 100 * e / n, 0)", label: "5xx %" }],
  ]);
}

/** The median and p99 of one metric (`[namespace, name, dim...]`). */
function percentilesWidget(title: string, region: string, metric: unknown[]): unknown {
  return widget(title, region, [
    [...metric, { stat: "p50" }],
    [...metric, { stat: "p99" }],
  ]);
}
