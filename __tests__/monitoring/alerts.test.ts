/**
 * The synthesized alerts of every target on every cloud and of the edge:
 * metric, statistic, threshold derived from the objectives, evaluation
 * windows and route. Objectives are set to unusual values so every
 * threshold is visibly derived from them.
 */

import { flexInstanceMemoryMb } from "../../lib/azure/sizing";
import { HEALTH_PATH } from "../../lib/edge/worker/contract";
import { burnAlerts, windowLabel } from "../../lib/monitoring/burn-rate";
import { ALERT_WINDOW, MEMORY_SATURATION_PERCENT, objectivesFor } from "../../lib/monitoring/objectives";
import { SERVICE } from "../../lib/service";
import { environmentConfig, resourcesOf, synthEnvironment, type TerraformJson } from "../helpers/environments";

const WEBHOOK = "ops_webhook";
const EMAILS = ["first@test.invalid", "second@test.invalid"];
const config = environmentConfig({
  monitoring: { availabilityPercent: 99.5, latencyP99Ms: 1234, notify: { emails: EMAILS, webhookVariable: WEBHOOK } },
});
const objectives = objectivesFor(config);
const burns = burnAlerts(objectives);
const { stack, json } = synthEnvironment(config);
const prefix = `${stack.spec.name}-${config.name}`;
const period = ALERT_WINDOW.periodSeconds;
const periods = ALERT_WINDOW.evaluationPeriods;

type Block = Record<string, unknown>;

/** The only resource of `type`, with its logical id. */
function only(type: string): [string, Block] {
  const entries = Object.entries(resourcesOf(json, type));
  expect(entries).toHaveLength(1);
  return entries[0];
}
/** `${type.<id>.<attribute>}` of the only resource of `type`. */
const ref = (type: string, attribute: string) => `\${${type}.${only(type)[0]}.${attribute}}`;
/** Resources of `type` by the value of `nameKey`. */
function byName(data: TerraformJson, type: string, nameKey: string): Record<string, Block> {
  return Object.fromEntries(Object.values(resourcesOf(data, type)).map((r) => [String(r[nameKey]), r]));
}
const webhookVar = `\${var.${WEBHOOK}}`;

it("derives the thresholds from the objectives", () => {
  expect(burns.map((b) => [b.name, b.burnRate, b.errorRatio])).toEqual([
    ["fast", 14.4, 0.072],
    ["medium", 6, 0.03],
    ["slow", 6, 0.03],
    ["ticket", 1, 0.005],
  ]);
  expect(objectives.latencyP99Ms).toBe(1234);
});

describe("AWS", () => {
  const alarms = byName(json, "aws_cloudwatch_metric_alarm", "alarm_name");
  /** The route in the environment's region (its twin in us-east-1 serves Route 53 alarms). */
  const [topicId, topicBlock] =
    Object.entries(resourcesOf(json, "aws_sns_topic")).find(([, t]) => t.region === undefined) ?? [];
  const topic = `\${aws_sns_topic.${topicId}.arn}`;
  const query = (name: string) => alarms[name].metric_query as Block[];
  const metric = (name: string, i = 0) => (query(name)[i].metric ?? {}) as Block;

  it("routes to one SNS topic named for the environment: every address and the webhook from its variable", () => {
    expect(topicBlock?.name).toBe(`${prefix}-alerts`);
    const subscriptions = Object.values(resourcesOf(json, "aws_sns_topic_subscription")).filter(
      (sub) => sub.topic_arn === topic,
    );
    expect(subscriptions.map((s) => [s.protocol, s.endpoint, s.topic_arn])).toEqual([
      ...EMAILS.map((email) => ["email", email, topic]),
      ["https", webhookVar, topic],
    ]);
    expect(json.variable?.[WEBHOOK]).toEqual(expect.objectContaining({ sensitive: true, type: "string" }));
  });

  const windowAlarms = Object.entries(alarms).filter(([name]) => name.includes("-burn-"));
  const thresholdAlarms = Object.fromEntries(
    Object.entries(alarms).filter(
      ([name]) => !name.includes("-burn-") && !name.includes("-availability-") && !name.includes("-alerts-delivery"),
    ),
  );
  const composites = byName(json, "aws_cloudwatch_composite_alarm", "alarm_name");

  it("alarms on every target, each to the topic, over three 5-minute periods", () => {
    expect(Object.keys(thresholdAlarms).sort()).toEqual(
      [
        "aws-container-error-no-healthy-hosts",
        "aws-container-latency-p99",
        "aws-container-saturation-cpu",
        "aws-container-saturation-memory",
        "aws-container-saturation-running-tasks",
        "aws-container-saturation-unhealthy-hosts",
        "aws-function-latency-api-p99",
        "aws-function-latency-p99",
        "aws-function-saturation-throttles",
      ].map((name) => `${prefix}-${name}`),
    );
    for (const alarm of Object.values(thresholdAlarms)) {
      expect(alarm).toEqual(
        expect.objectContaining({
          alarm_actions: [topic],
          ok_actions: [topic],
          evaluation_periods: periods,
          datapoints_to_alarm: periods,
          alarm_description: expect.stringMatching(/Fires when .+ First check: .+docs\/operations\.md/),
        }),
      );
      for (const q of alarm.metric_query as Block[]) if (q.metric) expect((q.metric as Block).period).toBe(period);
    }
  });

  it("pages per burn tier with a composite of a long and a short window alarm, only the composite notifying", () => {
    for (const target of ["aws-function", "aws-container"]) {
      for (const burn of burns) {
        const composite = composites[`${prefix}-${target}-error-http-5xx-burn-${burn.name}`];
        expect(composite).toEqual(
          expect.objectContaining({
            alarm_actions: [topic],
            ok_actions: [topic],
            alarm_description: expect.stringContaining(`burn rate ${burn.burnRate}`),
          }),
        );
        const windows = [burn.longWindowSeconds, burn.shortWindowSeconds].map(
          (seconds) => `${prefix}-${target}-error-http-5xx-burn-${burn.name}-${windowLabel(seconds)}`,
        );
        const ids = windows.map((name) =>
          Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm")).find(
            (id) => resourcesOf(json, "aws_cloudwatch_metric_alarm")[id].alarm_name === name,
          ),
        );
        expect(composite.alarm_rule).toBe(
          ids.map((id) => `ALARM("\${aws_cloudwatch_metric_alarm.${id}.alarm_name}")`).join(" AND "),
        );
        windows.forEach((name, i) => {
          const seconds = i === 0 ? burn.longWindowSeconds : burn.shortWindowSeconds;
          expect(alarms[name]).toEqual(
            expect.objectContaining({
              threshold: burn.errorRatio,
              comparison_operator: "GreaterThanOrEqualToThreshold",
              evaluation_periods: 1,
              treat_missing_data: "notBreaching",
            }),
          );
          expect(alarms[name].alarm_actions).toBeUndefined();
          for (const q of query(name)) if (q.metric) expect((q.metric as Block).period).toBe(seconds);
          // CloudWatch: period x evaluation periods at most 7 days (1 day below an hour's period).
          expect(seconds).toBeLessThanOrEqual(seconds < 3600 ? 86400 : 604800);
          expect(query(name).at(-1)).toEqual(
            expect.objectContaining({
              expression: expect.stringContaining(`IF(FILL(total, 0) >= ${burn.minRequests},`),
              return_data: true,
            }),
          );
        });
      }
    }
    expect(windowAlarms).toHaveLength(2 * burns.length * 2);
  });

  it("alarms on the route's own delivery failures, for the topic and its us-east-1 twin, to that topic", () => {
    const delivery = Object.entries(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter(
      ([, a]) => a.metric_name === "NumberOfNotificationsFailed",
    );
    expect(delivery).toHaveLength(2);
    for (const [, alarm] of delivery) {
      const topicRef = String((alarm.alarm_actions as string[])[0]);
      const topicId = /aws_sns_topic\.([\w-]+)\.arn/.exec(topicRef)?.[1] ?? "";
      expect(alarm).toEqual(
        expect.objectContaining({ namespace: "AWS/SNS", threshold: 0, comparison_operator: "GreaterThanThreshold" }),
      );
      expect(alarm.dimensions).toEqual({ TopicName: `\${aws_sns_topic.${topicId}.name}` });
      expect(alarm.region).toBe(resourcesOf(json, "aws_sns_topic")[topicId].region);
    }
  });

  it("Lambda: p99 duration, throttles; HTTP API p99 latency; the burn SLI is the HTTP API's 5xx over its requests", () => {
    const burn = `${prefix}-aws-function-error-http-5xx-burn-fast-1h`;
    expect([metric(burn, 0).metric_name, metric(burn, 1).metric_name]).toEqual(["5xx", "Count"]);
    expect(metric(burn).dimensions).toEqual({ ApiId: ref("aws_apigatewayv2_api", "id"), Stage: "$default" });
    const apiP99 = `${prefix}-aws-function-latency-api-p99`;
    expect([metric(apiP99).metric_name, metric(apiP99).stat, alarms[apiP99].threshold]).toEqual([
      "Latency",
      "p99",
      1234,
    ]);

    const p99 = `${prefix}-aws-function-latency-p99`;
    expect([metric(p99).namespace, metric(p99).metric_name, metric(p99).stat, alarms[p99].threshold]).toEqual([
      "AWS/Lambda",
      "Duration",
      "p99",
      1234,
    ]);
    const throttles = `${prefix}-aws-function-saturation-throttles`;
    expect([metric(throttles).metric_name, metric(throttles).stat, alarms[throttles].threshold]).toEqual([
      "Throttles",
      "Sum",
      0,
    ]);
  });

  it("ECS + ALB: target and ELB 5xx in the SLI, p99 in seconds, healthy and unhealthy hosts, tasks, CPU, memory", () => {
    const lb = ref("aws_lb", "arn_suffix");
    const ratio = `${prefix}-aws-container-error-http-5xx-burn-slow-6h`;
    expect([0, 1, 2].map((i) => metric(ratio, i).metric_name)).toEqual([
      "HTTPCode_Target_5XX_Count",
      "HTTPCode_ELB_5XX_Count",
      "RequestCount",
    ]);
    expect(metric(ratio).dimensions).toEqual({ LoadBalancer: lb });
    expect((query(ratio).at(-1) as Block).expression).toContain("(FILL(bad0, 0) + FILL(bad1, 0)) / total");
    const healthy = `${prefix}-aws-container-error-no-healthy-hosts`;
    expect(alarms[healthy]).toEqual(
      expect.objectContaining({
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        treat_missing_data: "breaching",
      }),
    );
    expect(metric(healthy).metric_name).toBe("HealthyHostCount");
    for (const what of ["cpu", "memory"]) {
      const alarm = `${prefix}-aws-container-saturation-${what}`;
      expect([metric(alarm).namespace, alarms[alarm].threshold]).toEqual(["AWS/ECS", MEMORY_SATURATION_PERCENT]);
    }
    const p99 = `${prefix}-aws-container-latency-p99`;
    expect([metric(p99).metric_name, metric(p99).stat, alarms[p99].threshold]).toEqual([
      "TargetResponseTime",
      "p99",
      1.234,
    ]);
    const unhealthy = `${prefix}-aws-container-saturation-unhealthy-hosts`;
    expect(metric(unhealthy)).toEqual(expect.objectContaining({ metric_name: "UnHealthyHostCount", stat: "Maximum" }));
    const tasks = `${prefix}-aws-container-saturation-running-tasks`;
    expect(alarms[tasks]).toEqual(
      expect.objectContaining({
        comparison_operator: "LessThanThreshold",
        threshold: Math.max(config.service.minInstances, 1),
        treat_missing_data: "breaching",
      }),
    );
    expect(metric(tasks)).toEqual(
      expect.objectContaining({ namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount" }),
    );
  });

  it("has one dashboard for the environment with the four panels per target", () => {
    const [, dashboard] = only("aws_cloudwatch_dashboard");
    expect(dashboard.dashboard_name).toBe(prefix);
    for (const target of ["aws.function", "aws.container"]) {
      for (const panel of ["requests", "5xx rate", "latency p50/p99", "instances"]) {
        expect(dashboard.dashboard_body).toContain(`${target} ${panel}`);
      }
    }
  });
});

describe("Azure", () => {
  const group = ref("azurerm_monitor_action_group", "id");
  const logAlerts = byName(json, "azurerm_monitor_scheduled_query_rules_alert_v2", "name");
  const metricAlerts = byName(json, "azurerm_monitor_metric_alert", "name");

  it("routes to one action group named for the environment", () => {
    const [, ag] = only("azurerm_monitor_action_group");
    expect(ag.name).toBe(`${prefix}-alerts`);
    expect((ag.email_receiver as Block[]).map((r) => r.email_address)).toEqual(EMAILS);
    expect(ag.webhook_receiver).toEqual([expect.objectContaining({ service_uri: webhookVar })]);
  });

  it("alerts on p99 from logs, every 5 minutes, three failing periods, to the action group", () => {
    const latency = Object.entries(logAlerts).filter(([name]) => name.includes("-latency-"));
    expect(latency.map(([name]) => name).sort()).toEqual(
      ["azure-container-latency-p99", "azure-function-latency-p99"].map((n) => `${prefix}-${n}`),
    );
    for (const [, alert] of latency) {
      const [criteria] = alert.criteria as Block[];
      expect(alert).toEqual(
        expect.objectContaining({
          evaluation_frequency: "PT5M",
          window_duration: "PT5M",
          action: { action_groups: [group] },
        }),
      );
      expect(criteria.failing_periods).toEqual({
        number_of_evaluation_periods: periods,
        minimum_failing_periods_to_trigger_alert: periods,
      });
      expect(criteria.threshold).toBe(1234);
    }
    const ctLatency = logAlerts[`${prefix}-azure-container-latency-p99`];
    expect(ctLatency.scopes).toEqual([ref("azurerm_log_analytics_workspace", "id")]);
    expect((ctLatency.criteria as Block[])[0].query).toContain("percentile(todouble(line.durationMs), 99)");
  });

  it("pages per burn tier with one query over both windows, probes left out, the ticket window shortened to 2 days", () => {
    const expected = {
      fast: ["PT1H", "PT1M", "1h"],
      medium: ["PT45M", "PT1M", "45m"],
      slow: ["PT6H", "PT5M", "6h"],
      ticket: ["P2D", "PT1H", "2d"],
    };
    for (const target of ["azure-function", "azure-container"]) {
      for (const burn of burns) {
        const alert = logAlerts[`${prefix}-${target}-error-http-5xx-burn-${burn.name}`];
        const [criteria] = alert.criteria as Block[];
        const [window, frequency, long] = expected[burn.name];
        expect(alert).toEqual(
          expect.objectContaining({
            window_duration: window,
            evaluation_frequency: frequency,
            severity: burn.severity === "page" ? 1 : 3,
            action: { action_groups: [group] },
          }),
        );
        expect(criteria).toEqual(
          expect.objectContaining({
            threshold: burn.errorRatio,
            operator: "GreaterThanOrEqual",
            metric_measure_column: "value",
          }),
        );
        expect(criteria.failing_periods).toEqual({
          number_of_evaluation_periods: 1,
          minimum_failing_periods_to_trigger_alert: 1,
        });
        const query = String(criteria.query);
        expect(query).toContain(`let longWindow = ${long};`);
        expect(query).toContain(`let shortWindow = ${windowLabel(burn.shortWindowSeconds)};`);
        expect(query).toContain(`let minRequests = ${burn.minRequests};`);
        if (target === "azure-function") expect(query).toContain(`!= "${SERVICE.healthPath}"`);
      }
    }
    // The container's SLI is the platform's Requests metric, exported with its dimensions by a data collection rule.
    const container = String(
      (logAlerts[`${prefix}-azure-container-error-http-5xx-burn-fast`].criteria as Block[])[0].query,
    );
    expect(container).toContain('AzureMetricsV2 | where _ResourceId =~ "${azurerm_container_app.');
    expect(container).toContain('MetricName == "Requests"');
    expect(container).toContain('longBad = sumif(Total, tostring(Dimensions.statusCodeCategory) == "5xx")');
    const [[ruleId, rule]] = Object.entries(resourcesOf(json, "azurerm_monitor_data_collection_rule"));
    expect(rule).toEqual(
      expect.objectContaining({
        kind: "PlatformTelemetry",
        data_sources: {
          platform_telemetry: [{ name: "metrics", streams: ["Microsoft.App/containerapps:Metrics-Group-All"] }],
        },
        data_flow: [{ streams: ["Microsoft.App/containerapps:Metrics-Group-All"], destinations: ["workspace"] }],
      }),
    );
    expect(Object.values(resourcesOf(json, "azurerm_monitor_data_collection_rule_association"))).toEqual([
      expect.objectContaining({
        data_collection_rule_id: `\${azurerm_monitor_data_collection_rule.${ruleId}.id}`,
        target_resource_id: expect.stringMatching(/^\$\{azurerm_container_app\./),
      }),
    ]);
    const fn = String((logAlerts[`${prefix}-azure-function-error-http-5xx-burn-fast`].criteria as Block[])[0].query);
    expect(fn).toMatch(/^let longWindow[\s\S]*requests \| where isempty\(operation_SyntheticSource\)/);
    expect(fn).toContain("countif(toint(resultCode) >= 500)");
    expect(logAlerts[`${prefix}-azure-function-error-http-5xx-burn-fast`].scopes).toEqual([
      ref("azurerm_application_insights", "id"),
    ]);
  });

  it("alerts on function memory and container restarts from metrics, and on failing health tests", () => {
    const memory = metricAlerts[`${prefix}-azure-function-saturation-memory`];
    expect(memory.criteria).toEqual([
      expect.objectContaining({
        metric_namespace: "Microsoft.Web/sites",
        metric_name: "MemoryWorkingSet",
        // Not confirmed on Flex Consumption: the rule must not fail the first apply when the name is unknown.
        skip_metric_validation: true,
        aggregation: "Average",
        threshold: Math.round(
          (flexInstanceMemoryMb(config.service.memoryMb) * 1024 * 1024 * MEMORY_SATURATION_PERCENT) / 100,
        ),
      }),
    ]);
    const restarts = metricAlerts[`${prefix}-azure-container-saturation-restarts`];
    expect(restarts.criteria).toEqual([
      expect.objectContaining({
        metric_namespace: "Microsoft.App/containerApps",
        metric_name: "RestartCount",
        aggregation: "Total",
        threshold: 0,
      }),
    ]);
    for (const alert of Object.values(metricAlerts)) expect(alert.action).toEqual([{ action_group_id: group }]);
    const tests = Object.values(resourcesOf(json, "azurerm_application_insights_standard_web_test"));
    expect(tests).toHaveLength(2);
    for (const test of tests) expect((test.request as Block).url).toMatch(new RegExp(`${SERVICE.healthPath}$`));
    expect(
      metricAlerts[`${prefix}-azure-function-availability-health`]
        .application_insights_web_test_location_availability_criteria,
    ).toEqual(expect.objectContaining({ failed_location_count: 2 }));
  });

  it("has one workbook for the environment with the four panels per target", () => {
    const [, workbook] = only("azurerm_application_insights_workbook");
    expect(workbook.display_name).toBe(`${stack.spec.name} ${config.name}`);
    expect(workbook.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const target of ["azure.function", "azure.container"]) {
      for (const panel of ["requests", "5xx rate", "latency p50/p99", "instances"]) {
        expect(workbook.data_json).toContain(`${target} ${panel}`);
      }
    }
  });
});

describe("GCP", () => {
  const policies = byName(json, "google_monitoring_alert_policy", "display_name");
  const channels = Object.keys(resourcesOf(json, "google_monitoring_notification_channel")).map(
    (id) => `\${google_monitoring_notification_channel.${id}.id}`,
  );

  it("routes to notification channels for every address and the webhook", () => {
    const list = Object.values(resourcesOf(json, "google_monitoring_notification_channel"));
    expect(list.map((c) => [c.type, c.labels])).toEqual([
      ...EMAILS.map((email) => ["email", { email_address: email }]),
      ["webhook_tokenauth", { url: webhookVar }],
    ]);
    for (const policy of Object.values(policies)) expect(policy.notification_channels).toEqual(channels);
  });

  it("has an availability SLO per target and multi-window burn-rate alerts against it", () => {
    const slos = Object.entries(resourcesOf(json, "google_monitoring_slo"));
    expect(slos).toHaveLength(2);
    for (const [id, slo] of slos) {
      expect(slo).toEqual(expect.objectContaining({ goal: 0.995, rolling_period_days: objectives.windowDays }));
      const sli = (slo.request_based_sli as Block).good_total_ratio as Block;
      expect(sli.bad_service_filter).toContain('metric.label."response_code_class"="5xx"');
      const target = id.includes("gcp-function") ? "gcp-function" : "gcp-container";
      for (const burn of burns) {
        const policy = policies[`${prefix}-${target}-error-burn-${burn.name}`];
        expect([policy.combiner, policy.severity]).toEqual(["AND", burn.severity === "page" ? "CRITICAL" : "WARNING"]);
        const conditions = (policy.conditions as Block[]).map((c) => c.condition_threshold as Block);
        expect(conditions.slice(0, 2)).toEqual(
          [burn.longWindowSeconds, burn.shortWindowSeconds].map((seconds) =>
            expect.objectContaining({
              filter: `select_slo_burn_rate("\${google_monitoring_slo.${id}.id}", "${seconds}s")`,
              threshold_value: burn.burnRate,
              comparison: "COMPARISON_GE",
            }),
          ),
        );
        expect(conditions[2]).toEqual(
          expect.objectContaining({
            filter: expect.stringContaining('metric.type="run.googleapis.com/request_count"'),
            threshold_value: burn.minRequests - 1,
            comparison: "COMPARISON_GT",
            aggregations: [
              expect.objectContaining({
                alignment_period: `${burn.shortWindowSeconds}s`,
                per_series_aligner: "ALIGN_DELTA",
              }),
            ],
          }),
        );
      }
    }
  });

  it("alerts on p99 latency and memory per target over three 5-minute periods, and on terminated containers", () => {
    for (const target of ["gcp-function", "gcp-container"]) {
      const latency = (policies[`${prefix}-${target}-latency-p99`].conditions as Block[])[0]
        .condition_threshold as Block;
      expect(latency).toEqual(
        expect.objectContaining({
          filter: expect.stringContaining('metric.type="run.googleapis.com/request_latencies"'),
          threshold_value: 1234,
          duration: `${period * periods}s`,
          aggregations: [
            expect.objectContaining({
              alignment_period: `${period}s`,
              per_series_aligner: "ALIGN_DELTA",
              cross_series_reducer: "REDUCE_PERCENTILE_99",
            }),
          ],
        }),
      );
      const memory = (policies[`${prefix}-${target}-saturation-memory`].conditions as Block[])[0]
        .condition_threshold as Block;
      expect(memory.threshold_value).toBe(MEMORY_SATURATION_PERCENT / 100);
      const restarts = (policies[`${prefix}-${target}-saturation-restarts`].conditions as Block[])[0];
      expect((restarts.condition_matched_log as Block).filter).toContain("Container terminated");
    }
  });

  it("checks each origin's health path from three regions, and one dashboard has the four panels per target", () => {
    const checks = Object.values(resourcesOf(json, "google_monitoring_uptime_check_config"));
    // Two origins; the other two are the edge's, its own health path and the service's through it (see below).
    expect(checks.map((c) => (c.http_check as Block).path).sort()).toEqual(
      [HEALTH_PATH, SERVICE.healthPath, SERVICE.healthPath, SERVICE.healthPath].sort(),
    );
    const [, dashboard] = only("google_monitoring_dashboard");
    for (const target of ["gcp.function", "gcp.container"]) {
      for (const panel of ["requests", "5xx rate", "latency p50/p99", "instances"]) {
        expect(dashboard.dashboard_json).toContain(`${target} ${panel}`);
      }
    }
  });
});

describe("outside checks on a zone whose plan has no health checks (free, the default)", () => {
  it("creates no Cloudflare health check, health alert or zone error alert", () => {
    expect(config.cloudflare.plan).toBe("free");
    expect(resourcesOf(json, "cloudflare_healthcheck")).toEqual({});
    expect(resourcesOf(json, "cloudflare_notification_policy")).toEqual({});
  });

  it("probes the AWS origins with Route 53, alarmed in us-east-1 to the route's twin topic there", () => {
    const checks = Object.values(resourcesOf(json, "aws_route53_health_check"));
    expect(checks.map((c) => [(c.tags as Block).Name, c.resource_path, c.type]).sort()).toEqual(
      ["aws-container", "aws-function"].map((key) => [`${prefix}-${key}-health`, SERVICE.healthPath, "HTTPS"]),
    );
    const topics = Object.entries(resourcesOf(json, "aws_sns_topic"));
    const [twinId] = topics.find(([, t]) => t.region === "us-east-1") ?? [];
    expect(twinId).toBeDefined();
    const twinSubscriptions = Object.values(resourcesOf(json, "aws_sns_topic_subscription")).filter(
      (sub) => sub.topic_arn === `\${aws_sns_topic.${twinId}.arn}`,
    );
    expect(twinSubscriptions.map((sub) => [sub.protocol, sub.endpoint, sub.region])).toEqual([
      ...EMAILS.map((email) => ["email", email, "us-east-1"]),
      ["https", webhookVar, "us-east-1"],
    ]);
    for (const key of ["aws-function", "aws-container"]) {
      const alarm = byName(json, "aws_cloudwatch_metric_alarm", "alarm_name")[`${prefix}-${key}-availability-health`];
      expect(alarm).toEqual(
        expect.objectContaining({
          region: "us-east-1",
          namespace: "AWS/Route53",
          metric_name: "HealthCheckStatus",
          comparison_operator: "LessThanThreshold",
          threshold: 1,
          alarm_actions: [`\${aws_sns_topic.${twinId}.arn}`],
        }),
      );
    }
  });

  it("probes the edge from GCP, the first cloud that probes it, on the edge's own health path", () => {
    const uptime = byName(json, "google_monitoring_uptime_check_config", "display_name")[`${prefix}-edge-health`];
    expect((uptime.http_check as Block).path).toBe(HEALTH_PATH);
    expect((uptime.monitored_resource as Block).labels).toEqual(
      expect.objectContaining({ host: `api.${config.cloudflare.domain}` }),
    );
    expect(
      byName(json, "google_monitoring_alert_policy", "display_name")[`${prefix}-edge-availability-health`],
    ).toBeDefined();
  });
});

describe("edge (Cloudflare) on a paid zone this environment owns", () => {
  const owned = (plan: string) =>
    environmentConfig({
      cloudflare: { plan, zoneShared: false },
      monitoring: { availabilityPercent: 99.5, notify: { emails: EMAILS, webhookVariable: WEBHOOK } },
    });
  const business = owned("business");
  const { json: paid } = synthEnvironment(business);
  const policies = byName(paid, "cloudflare_notification_policy", "name");
  const webhook = `\${cloudflare_notification_policy_webhooks.${Object.keys(resourcesOf(paid, "cloudflare_notification_policy_webhooks"))[0]}.id}`;

  it("has a webhook destination from the variable and alerts on 5xx and health checks", () => {
    expect(Object.values(resourcesOf(paid, "cloudflare_notification_policy_webhooks"))).toEqual([
      expect.objectContaining({ name: `${prefix}-alerts`, url: webhookVar }),
    ]);
    const mechanisms = { email: EMAILS.map((id) => ({ id })), webhooks: [{ id: webhook }] };
    expect(policies[`${prefix}-edge-error-rate`]).toEqual(
      expect.objectContaining({
        alert_type: "http_alert_edge_error",
        filters: { zones: [business.cloudflare.zoneId], slo: ["99.5"] },
        mechanisms,
      }),
    );
    const health = policies[`${prefix}-edge-availability-health-checks`];
    expect(health).toEqual(expect.objectContaining({ alert_type: "health_check_status_notification", mechanisms }));
    const checkIds = Object.keys(resourcesOf(paid, "cloudflare_healthcheck")).map(
      (id) => `\${cloudflare_healthcheck.${id}.id}`,
    );
    expect([...((health.filters as Block).health_check_id as string[])].sort()).toEqual(checkIds.sort());
  });

  it("health-checks the edge URL and the AWS origins from Cloudflare, and Route 53 checks nothing", () => {
    const checks = byName(paid, "cloudflare_healthcheck", "name");
    expect(Object.keys(checks).sort()).toEqual(
      [
        `${prefix}-aws-container-health`,
        `${prefix}-aws-function-health`,
        `${prefix}-edge-health`,
        `${prefix}-edge-origin-health`,
      ].sort(),
    );
    expect(checks[`${prefix}-edge-origin-health`]).toEqual(
      expect.objectContaining({ address: `api.${business.cloudflare.domain}`, type: "HTTPS" }),
    );
    expect((checks[`${prefix}-edge-origin-health`].http_config as Block).path).toBe(SERVICE.healthPath);
    expect(checks[`${prefix}-edge-health`]).toEqual(
      expect.objectContaining({ address: `api.${business.cloudflare.domain}`, type: "HTTPS" }),
    );
    expect((checks[`${prefix}-edge-health`].http_config as Block).path).toBe(HEALTH_PATH);
    expect((checks[`${prefix}-aws-function-health`].http_config as Block).path).toBe(SERVICE.healthPath);
    expect(resourcesOf(paid, "aws_route53_health_check")).toEqual({});
    expect(
      byName(paid, "google_monitoring_uptime_check_config", "display_name")[`${prefix}-edge-health`],
    ).toBeUndefined();
  });

  it("on Pro: health checks, but no zone error alert (Business only)", () => {
    const { json: pro } = synthEnvironment(owned("pro"));
    expect(Object.keys(resourcesOf(pro, "cloudflare_healthcheck"))).toHaveLength(4);
    const types = Object.values(resourcesOf(pro, "cloudflare_notification_policy")).map((p) => p.alert_type);
    expect(types).toEqual(["health_check_status_notification"]);
  });

  it("an environment sharing the zone creates no zone-wide check or alert, whatever the plan", () => {
    const { json: shared } = synthEnvironment(
      environmentConfig({ cloudflare: { plan: "enterprise", zoneShared: true } }),
    );
    expect(resourcesOf(shared, "cloudflare_healthcheck")).toEqual({});
    expect(resourcesOf(shared, "cloudflare_notification_policy")).toEqual({});
    expect(Object.keys(resourcesOf(shared, "aws_route53_health_check"))).toHaveLength(2);
  });
});
