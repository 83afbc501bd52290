/**
 * Operations for the Azure targets of one environment: one action group (the
 * environment's route), alerts on each target, Application Insights standard
 * tests on each origin's health path, and one workbook (the dashboard).
 *
 * Azure metric alerts cannot divide one metric by another, so the 5xx ratio
 * and the p99 are log alerts (scheduled queries): the function's from
 * Application Insights `requests`; the Container App's 5xx ratio from the
 * platform's `Requests` metric exported to the workspace (AzureMetricsV2), its
 * p99 from the workload's access log lines (`durationMs`, see app/app.ts). The
 * availability objective is alerted per burn tier (lib/monitoring/burn-rate.ts)
 * by one query that computes the 5xx ratio over both windows and returns the
 * smaller; the function's leaves probe requests (availability tests, the
 * health path) out, the metric has no dimension to do so. A log alert
 * looks back at most 2 days, so the 3-day ticket window becomes 2 days here. Restarts and memory
 * are metric alerts. The standard tests probe each origin from several Azure
 * regions, so an origin that is down while the edge fails over still pages.
 */
import { ApplicationInsightsStandardWebTest } from "@cdktf/provider-azurerm/lib/application-insights-standard-web-test";
import { ApplicationInsightsWorkbook } from "@cdktf/provider-azurerm/lib/application-insights-workbook";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule";
import { MonitorDataCollectionRuleAssociation } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association";
import { MonitorMetricAlert, type MonitorMetricAlertCriteria } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { CloudMonitoringProps } from "../contract/cloud";
import { alertName, probeMeaning, runbookText, type Signal } from "../monitoring/alerts";
import { type BurnAlert, burnAlerts, burnWhen, windowLabel } from "../monitoring/burn-rate";
import { ALERT_WINDOW, MEMORY_SATURATION_PERCENT, type Objectives } from "../monitoring/objectives";
import { type AlertRoute, assertRouted } from "../monitoring/route";
import { type AlertRow, alertId, type Severity, severityOf } from "../monitoring/rows";
import { sourcePath, TOKEN_PARAM } from "../relay/worker/contract";
import type { ServiceSpec } from "../service";
import { ContainerTarget } from "./container-target";
import { AzureFoundation } from "./foundation";
import { FunctionTarget } from "./function-target";
import { nameHash } from "./naming";
import type { AzureSettings } from "./settings";
import { flexInstanceMemoryMb } from "./sizing";

/** What the cloud registry gives (lib/contract/cloud.ts): the environment's Azure targets, objectives and route. */
export type AzureMonitoringProps = CloudMonitoringProps<AzureSettings>;

/** Azure regions the standard tests probe from (availability test location ids, five for a reliable verdict). */
export const WEB_TEST_LOCATIONS = [
  "emea-nl-ams-azr",
  "emea-gb-db3-azr",
  "us-va-ash-azr",
  "us-ca-sjc-azr",
  "apac-sg-sin-azr",
] as const;
/** Locations that must fail at once before the availability alert fires. */
const FAILED_LOCATIONS = 2;

/** ISO 8601 duration of one evaluation period (PT5M). */
const PERIOD = `PT${ALERT_WINDOW.periodSeconds / 60}M`;
const window = `${ALERT_WINDOW.evaluationPeriods} consecutive ${ALERT_WINDOW.periodSeconds / 60}-minute periods`;

/**
 * Window durations a log alert accepts (azurerm 4.55 monitor_scheduled_query_rules_alert_v2:
 * look-back at most 48 hours; up to PT6H when evaluated every minute), in seconds.
 */
export const LOG_ALERT_WINDOWS: Readonly<Record<string, number>> = {
  PT5M: 300,
  PT10M: 600,
  PT15M: 900,
  PT30M: 1800,
  PT45M: 2700,
  PT1H: 3600,
  PT2H: 7200,
  PT3H: 10800,
  PT4H: 14400,
  PT5H: 18000,
  PT6H: 21600,
  P1D: 86400,
  P2D: 172800,
};

/** The longest window a log alert accepts that does not exceed `seconds`. */
export function logAlertWindow(seconds: number): { readonly iso: string; readonly seconds: number } {
  const [iso, fits] = Object.entries(LOG_ALERT_WINDOWS)
    .filter(([, s]) => s <= seconds)
    .sort((a, b) => b[1] - a[1])[0];
  return { iso, seconds: fits };
}

/** How often each tier's query runs: a page within minutes, a ticket hourly. */
const BURN_FREQUENCY: Readonly<Record<BurnAlert["name"], string>> = {
  fast: "PT1M",
  medium: "PT1M",
  slow: "PT5M",
  ticket: "PT1H",
};

/**
 * KQL for one burn tier: `rows` (already filtered to real requests, time column `time`) over the
 * long window, `bad` the 5xx test. Returns one row whose `value` is the smaller of the two
 * windows' 5xx ratios, 0 where a window has fewer than `minRequests` requests. The `let` lines
 * carry the windows, so a reader (and the detection-time test) sees them.
 */
export function burnQuery(
  rows: string,
  time: string,
  bad: string,
  burn: BurnAlert,
  longSeconds: number,
  /** Requests a row stands for (a metric row's `Total`); @default - one request per row */
  weight?: string,
): string {
  const total = (cond?: string) =>
    weight === undefined
      ? cond === undefined
        ? "count()"
        : `countif(${cond})`
      : cond === undefined
        ? `sum(${weight})`
        : `sumif(${weight}, ${cond})`;
  const short = `${time} > ago(shortWindow)`;
  return [
    `let longWindow = ${windowLabel(longSeconds)};`,
    `let shortWindow = ${windowLabel(burn.shortWindowSeconds)};`,
    `let minRequests = ${burn.minRequests};`,
    `${rows} | where ${time} > ago(longWindow)`,
    `| summarize longTotal = ${total()}, longBad = ${total(bad)}, shortTotal = ${total(short)}, shortBad = ${total(`${short} and ${bad}`)}`,
    "| extend longRatio = iif(longTotal >= minRequests, 1.0 * longBad / longTotal, 0.0), shortRatio = iif(shortTotal >= minRequests, 1.0 * shortBad / shortTotal, 0.0)",
    "| extend value = min_of(longRatio, shortRatio)",
  ].join("\n");
}

/** Every platform metric of a Container App, as a data collection rule stream (`<resource type>:Metrics-Group-All`). */
const CONTAINER_APP_METRICS = "Microsoft.App/containerapps:Metrics-Group-All";

/** An alert created here and what it watches (read by the parity test). */
export interface AzureAlert {
  readonly target: string;
  readonly signal: Signal;
  readonly alert: MonitorScheduledQueryRulesAlertV2 | MonitorMetricAlert;
}

type AzureTarget = "azure.function" | "azure.container";

/** A log alert: KQL over Application Insights or the workspace, its one row's `value` against `threshold`. */
interface LogAlertRow extends AlertRow<AzureTarget> {
  readonly kind: "log";
  /** The Log Analytics or Application Insights resource the query runs against. */
  readonly scope: string;
  /** KQL returning one row with the column `value`. */
  readonly query: string;
  readonly threshold: number;
  /** Time range of the query. @default PT5M, three periods in a row must fail */
  readonly window?: string;
  /** @default PT5M */
  readonly frequency?: string;
  /** @default GreaterThan */
  readonly operator?: "GreaterThan" | "GreaterThanOrEqual";
  /** The workload's name (a reference), tagged so policy ties a burn alert to it (BP_OPS_3). @default - none */
  readonly workload?: string;
}

/** A metric alert: one platform metric of `scope`, aggregated over `windowSize`, above `threshold`. */
interface MetricAlertRow extends AlertRow<AzureTarget> {
  readonly kind: "metric";
  readonly scope: string;
  readonly metric: Pick<
    MonitorMetricAlertCriteria,
    "metricNamespace" | "metricName" | "aggregation" | "skipMetricValidation"
  >;
  readonly threshold: number;
  readonly windowSize: string;
}

/** A standard test's alert: `threshold` or more of its locations fail at once. */
interface WebTestAlertRow extends AlertRow<AzureTarget | "edge"> {
  readonly kind: "web-test";
  readonly test: ApplicationInsightsStandardWebTest;
  readonly threshold: number;
  /** Construct id from the probe (`edge-origin-availability-health`, not alertId's `edge-availability-origin-health`): the address stays. */
  readonly id?: string;
}

/** One Azure alert as data (docs/adding-a-cloud.md, "Adding an alert"): the constructor's loop makes one alert of each. */
export type AzureAlertRow = LogAlertRow | MetricAlertRow | WebTestAlertRow;

/** Azure's alert severities (0 critical ... 4 verbose) by how urgent a row is. */
const SEVERITY: Readonly<Record<Severity, number>> = { page: 1, warn: 2, ticket: 3 };

export class AzureMonitoring extends Construct {
  /** The environment's route on Azure. */
  readonly actionGroup: MonitorActionGroup;
  /** Every alert of the environment's Azure targets and probes, as data (also when silenced: no alert is made then). */
  readonly rows: readonly AzureAlertRow[];
  readonly alerts: AzureAlert[] = [];
  readonly webTests: ApplicationInsightsStandardWebTest[] = [];
  readonly workbook: ApplicationInsightsWorkbook;
  private readonly props: AzureMonitoringProps;
  /** Resource group, location, workspace and Application Insights the targets share. */
  private readonly foundation: AzureFoundation;

  constructor(scope: Construct, id: string, props: AzureMonitoringProps) {
    super(scope, id);
    this.props = props;
    const { spec, settings, objectives: o, route, protect } = props;
    const foundation = AzureFoundation.of(this, { spec, settings, protect });
    this.foundation = foundation;
    // The contract names a target (`identifiers.name`, the workload tag); `instanceof` reaches what it does
    // not carry: the resource ids Azure scopes metric alerts and exports by.
    const fn = props.targets.find((t): t is FunctionTarget => t instanceof FunctionTarget);
    const container = props.targets.find((t): t is ContainerTarget => t instanceof ContainerTarget);
    const workspace = foundation.logs.workspace;
    this.actionGroup = actionGroupOf(this, route, foundation.resourceGroupName);
    const rows: AzureAlertRow[] = [];
    const panels: unknown[] = [];
    if (fn !== undefined) {
      rows.push(
        ...functionRows(fn, o, spec, foundation.logs.applicationInsights.id),
        this.webTest("azure.function", fn.endpoint, spec.healthPath),
      );
      panels.push(...functionPanels(foundation.logs.applicationInsights.id));
    }
    if (container !== undefined) {
      const appName = foundation.names.containerApp;
      // The SLI comes from the platform's `Requests` metric (ingress, dimension statusCodeCategory), so a
      // crashed app that writes no log still reads as failing (learn.microsoft.com/azure/azure-monitor/
      // reference/supported-metrics/microsoft-app-containerapps-metrics). Metric alerts cannot divide: the
      // metrics are exported with their dimensions to AzureMetricsV2 (a data collection rule; diagnostic
      // settings would drop the dimensions) and the burn tiers stay log alerts with both windows.
      this.exportMetrics("container-metrics", `${appName}-metrics`, container.app.id, CONTAINER_APP_METRICS);
      rows.push(
        ...containerRows(container, o, appName, workspace.id),
        this.webTest("azure.container", container.endpoint, spec.healthPath),
      );
      panels.push(...containerPanels(appName, workspace.id));
    }
    // Cloudflare cannot probe the edge on this zone's plan: a standard test here does.
    for (const probe of props.probeEdge ?? []) rows.push(this.webTest("edge", probe.url, probe.path, probe.what));
    this.rows = rows;

    // The table becomes alerts: one per row, each to the action group.
    if (o.silencedBecause === undefined) {
      assertRouted(this, route);
      for (const row of rows) this.alerts.push({ target: row.target, signal: row.signal, alert: this.alert(row) });
    }

    this.workbook = new ApplicationInsightsWorkbook(this, "dashboard", {
      // Workbook names are GUIDs: derive one from the environment so it is stable across synths.
      name: stableGuid(`${spec.name}/${spec.environment}/workbook`),
      resourceGroupName: foundation.resourceGroupName,
      location: foundation.location,
      displayName: `${spec.name} ${spec.environment}`,
      sourceId: Fn.lower(workspace.id),
      dataJson: Fn.jsonencode({
        version: "Notebook/1.0",
        items: panels,
        fallbackResourceIds: [workspace.id],
      }),
    });
  }

  /**
   * Platform metrics of `resourceId` into the environment's workspace with their dimensions (table
   * AzureMetricsV2), through a `PlatformTelemetry` data collection rule: diagnostic settings export
   * metrics without dimensions (learn.microsoft.com/azure/azure-monitor/data-collection/metrics-export-create).
   */
  private exportMetrics(id: string, name: string, resourceId: string, stream: string): void {
    const { foundation } = this;
    const rule = new MonitorDataCollectionRule(this, id, {
      name,
      resourceGroupName: foundation.resourceGroupName,
      location: foundation.location,
      kind: "PlatformTelemetry",
      description: "Platform metrics with their dimensions into the workspace, for the burn-rate alerts",
      dataSources: { platformTelemetry: [{ name: "metrics", streams: [stream] }] },
      destinations: { logAnalytics: [{ name: "workspace", workspaceResourceId: foundation.logs.workspace.id }] },
      dataFlow: [{ streams: [stream], destinations: ["workspace"] }],
    });
    new MonitorDataCollectionRuleAssociation(this, `${id}-association`, {
      name: `${name}-association`,
      targetResourceId: resourceId,
      dataCollectionRuleId: rule.id,
    });
  }

  /** One row's alert: a scheduled query, a metric alert or a standard test's alert, to the action group. */
  private alert(row: AzureAlertRow): MonitorScheduledQueryRulesAlertV2 | MonitorMetricAlert {
    const { spec } = this.props;
    const { foundation } = this;
    const common = {
      name: alertName({ service: spec.name, environment: spec.environment }, row.target, row.signal, row.what),
      description: runbookText(row.runbook),
      resourceGroupName: foundation.resourceGroupName,
      severity: SEVERITY[severityOf(row)],
    };
    if (row.kind === "log") {
      return new MonitorScheduledQueryRulesAlertV2(this, alertId(row), {
        ...common,
        location: foundation.location,
        scopes: [row.scope],
        evaluationFrequency: row.frequency ?? PERIOD,
        windowDuration: row.window ?? PERIOD,
        criteria: [
          {
            query: row.query,
            timeAggregationMethod: "Maximum",
            metricMeasureColumn: "value",
            operator: row.operator ?? "GreaterThan",
            threshold: row.threshold,
            // A burn query spans its whole window in one period; the others need three periods in a row.
            failingPeriods: {
              numberOfEvaluationPeriods: row.window === undefined ? ALERT_WINDOW.evaluationPeriods : 1,
              minimumFailingPeriodsToTriggerAlert: row.window === undefined ? ALERT_WINDOW.evaluationPeriods : 1,
            },
          },
        ],
        // The tables appear with the first log line: do not fail the first apply on an empty workspace.
        skipQueryValidation: true,
        autoMitigationEnabled: true,
        action: { actionGroups: [this.actionGroup.id] },
        tags: row.workload === undefined ? undefined : { workload: row.workload },
      });
    }
    const action = [{ actionGroupId: this.actionGroup.id }];
    if (row.kind === "metric") {
      return new MonitorMetricAlert(this, alertId(row), {
        ...common,
        scopes: [row.scope],
        frequency: PERIOD,
        windowSize: row.windowSize,
        criteria: [{ ...row.metric, operator: "GreaterThan", threshold: row.threshold }],
        action,
      });
    }
    const insights = foundation.logs.applicationInsights;
    return new MonitorMetricAlert(this, row.id ?? alertId(row), {
      ...common,
      scopes: [row.test.id, insights.id],
      applicationInsightsWebTestLocationAvailabilityCriteria: {
        webTestId: row.test.id,
        componentId: insights.id,
        failedLocationCount: row.threshold,
      },
      action,
    });
  }

  /** A standard test on the origin's health path, and the row of its alert (several locations failing at once). */
  private webTest(
    target: AzureTarget | "edge",
    endpoint: string,
    path: string,
    what: "health" | "origin-health" = "health",
  ): WebTestAlertRow {
    const { spec } = this.props;
    const key = what === "health" ? target.replace(".", "-") : "edge-origin";
    const test = new ApplicationInsightsStandardWebTest(this, `${key}-health-test`, {
      name: `${spec.name}-${spec.environment}-${key}-health`,
      description: `GET ${path} on ${target}, from ${WEB_TEST_LOCATIONS.length} Azure regions`,
      resourceGroupName: this.foundation.resourceGroupName,
      location: this.foundation.location,
      applicationInsightsId: this.foundation.logs.applicationInsights.id,
      geoLocations: [...WEB_TEST_LOCATIONS],
      frequency: 300,
      timeout: 30,
      retryEnabled: true,
      enabled: true,
      request: { url: `${endpoint}${path}`, httpVerb: "GET", followRedirectsEnabled: false },
      validationRules: { expectedStatusCode: 200, sslCheckEnabled: true, sslCertRemainingLifetime: 7 },
    });
    this.webTests.push(test);
    return {
      kind: "web-test",
      target,
      signal: "availability",
      what,
      runbook: {
        means: probeMeaning(key),
        when: `${FAILED_LOCATIONS} or more of ${WEB_TEST_LOCATIONS.length} test locations fail GET ${path}`,
        check: "Application Insights > Availability for the failing locations and the response, then the app's logs.",
      },
      test,
      threshold: FAILED_LOCATIONS,
      id: `${key}-availability-health`,
    };
  }
}

/** The route on Azure: one action group, e-mail receivers and webhook receivers for the relay and a raw webhook. */
function actionGroupOf(scope: Construct, route: AlertRoute, resourceGroupName: string): MonitorActionGroup {
  return new MonitorActionGroup(scope, "route", {
    name: route.name,
    resourceGroupName,
    location: "global",
    // Shown as the sender of e-mails and SMS; Azure allows 12 characters.
    shortName: route.environment.slice(0, 12),
    emailReceiver: route.emails.map((email, i) => ({
      name: `email-${i}`,
      emailAddress: email,
      useCommonAlertSchema: true,
    })),
    webhookReceiver: nonEmpty([
      ...(route.webhookUrl === undefined
        ? []
        : [{ name: "webhook", serviceUri: route.webhookUrl, useCommonAlertSchema: true }]),
      // The relay reads the common alert schema; the token rides in the query (the URI is sensitive with it).
      ...(route.relay === undefined
        ? []
        : [
            {
              name: "relay",
              serviceUri: `${route.relay.url}${sourcePath("azure")}?${TOKEN_PARAM}=${route.relay.token}`,
              useCommonAlertSchema: true,
            },
          ]),
    ]),
  });
}

/** One log alert row per burn tier on a target's 5xx ratio; the long window is the nearest a log alert accepts. */
function burnRows(
  o: Objectives,
  sli: {
    readonly target: AzureTarget;
    readonly means: string;
    readonly check: string;
    readonly scope: string;
    readonly workload: string;
    readonly query: (burn: BurnAlert, longSeconds: number) => string;
  },
): LogAlertRow[] {
  return burnAlerts(o).map((burn) => {
    const window = logAlertWindow(burn.longWindowSeconds);
    const shortened =
      window.seconds < burn.longWindowSeconds
        ? ` (the long window is ${windowLabel(window.seconds)}: a log alert looks back at most 2 days)`
        : "";
    return {
      kind: "log",
      target: sli.target,
      signal: "error",
      what: `http-5xx-burn-${burn.name}`,
      runbook: {
        means: `${burn.severity === "page" ? "Page" : "Ticket"}: ${sli.means} and burns the error budget ${burn.burnRate}x faster than the ${o.availabilityPercent}% objective allows.`,
        when: `${burnWhen({ ...burn, longWindowSeconds: window.seconds })}${shortened}`,
        check: sli.check,
      },
      scope: sli.scope,
      query: sli.query(burn, window.seconds),
      threshold: burn.errorRatio,
      window: window.iso,
      frequency: BURN_FREQUENCY[burn.name],
      severity: burn.severity,
      operator: "GreaterThanOrEqual",
      workload: sli.workload,
    };
  });
}

/** The Function App's rows: burn tiers and p99 from Application Insights `requests`, memory from its metric. */
function functionRows(fn: FunctionTarget, o: Objectives, spec: ServiceSpec, insightsId: string): AzureAlertRow[] {
  // Availability tests mark their requests; the Cloudflare and uptime probes call the health path.
  const real = `requests | where isempty(operation_SyntheticSource) and tostring(parse_url(url).Path) != "${spec.healthPath}"`;
  const memoryBytes = flexInstanceMemoryMb(spec.memoryMb) * 1024 * 1024;
  return [
    ...burnRows(o, {
      target: "azure.function",
      means: "The Function App answers 5xx",
      check: "Application Insights > Failures for the exception, and whether a new package was deployed.",
      scope: insightsId,
      workload: fn.identifiers.name,
      query: (burn, seconds) => burnQuery(real, "timestamp", "toint(resultCode) >= 500", burn, seconds),
    }),
    {
      kind: "log",
      target: "azure.function",
      signal: "latency",
      what: "p99",
      runbook: {
        means: "The Function App answers slower than the latency objective.",
        when: `p99 request duration exceeds ${o.latencyP99Ms} ms for ${window}`,
        check: "Application Insights > Performance (slowest operations, dependencies, cold starts).",
      },
      scope: insightsId,
      query: "requests | where timestamp > ago(5m) | summarize value = percentile(duration, 99)",
      threshold: o.latencyP99Ms,
    },
    {
      kind: "metric",
      target: "azure.function",
      signal: "saturation",
      what: "memory",
      runbook: {
        means: "Function instances use nearly all their memory; the host restarts instances that run out.",
        when: `average working set exceeds ${MEMORY_SATURATION_PERCENT}% of the instance memory for 15 minutes`,
        check: "the Function App's Memory working set and restarts in the portal; raise service.memoryMb.",
      },
      scope: fn.app.id,
      windowSize: "PT15M",
      // Unconfirmed on Flex Consumption: learn.microsoft.com "Monitor Azure Functions" names only the five
      // billing metrics for Flex (OnDemand/AlwaysReady execution count and units, AlwaysReadyUnits), none of
      // memory, and says Microsoft.Web/sites metrics are unavailable on Linux Consumption. Azure checks a
      // metric alert's metric name when it creates the rule, so an unknown name would fail the first apply:
      // skip_metric_validation creates the rule anyway (it fires once the metric is emitted; azurerm
      // monitor_metric_alert, criteria.skip_metric_validation). Check on a real app (docs/operations.md).
      metric: {
        metricNamespace: "Microsoft.Web/sites",
        metricName: "MemoryWorkingSet",
        skipMetricValidation: true,
        aggregation: "Average",
      },
      threshold: Math.round((memoryBytes * MEMORY_SATURATION_PERCENT) / 100),
    },
  ];
}

/** The Container App's rows: burn tiers from the exported `Requests` metric, p99 from its access log, restarts. */
function containerRows(ct: ContainerTarget, o: Objectives, appName: string, workspaceId: string): AzureAlertRow[] {
  // The workload's access log: one JSON line per request (msg "request", status, durationMs).
  const lines = `ContainerAppConsoleLogs_CL | where TimeGenerated > ago(5m) and ContainerAppName_s == "${appName}" | extend line = parse_json(Log_s) | where tostring(line.msg) == "request"`;
  const platform = `AzureMetricsV2 | where _ResourceId =~ "${ct.app.id}" and MetricName == "Requests"`;
  return [
    ...burnRows(o, {
      target: "azure.container",
      means: "The Container App's ingress answers 5xx (the app's or the platform's: no replica, a crash)",
      check:
        "the Requests metric by statusCodeCategory and the replica count, then the console logs (ContainerAppConsoleLogs_CL) and the latest revision.",
      scope: workspaceId,
      workload: ct.identifiers.name,
      query: (burn, seconds) =>
        burnQuery(
          platform,
          "TimeGenerated",
          'tostring(Dimensions.statusCodeCategory) == "5xx"',
          burn,
          seconds,
          "Total",
        ),
    }),
    {
      kind: "log",
      target: "azure.container",
      signal: "latency",
      what: "p99",
      runbook: {
        means: "The Container App answers slower than the latency objective.",
        when: `p99 request duration exceeds ${o.latencyP99Ms} ms for ${window}`,
        check: "replica CPU and memory in the portal, and whether replicas are at maxInstances.",
      },
      scope: workspaceId,
      query: `${lines} | summarize value = percentile(todouble(line.durationMs), 99)`,
      threshold: o.latencyP99Ms,
    },
    {
      kind: "metric",
      target: "azure.container",
      signal: "saturation",
      what: "restarts",
      runbook: {
        means: "Replicas restart: the container crashes, runs out of memory or fails its probes.",
        when: "any replica restarts within 15 minutes",
        check: "ContainerAppSystemLogs_CL for probe failures and OOM kills, and the failed revision's events.",
      },
      scope: ct.app.id,
      windowSize: "PT15M",
      metric: { metricNamespace: "Microsoft.App/containerApps", metricName: "RestartCount", aggregation: "Total" },
      threshold: 0,
    },
  ];
}

/** A GUID from a text: the same text always gives the same GUID. */
function stableGuid(text: string): string {
  const hex = nameHash({ service: text, environment: "workbook", subscriptionId: "guid" }, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A workbook log query panel (type 3) charting `query` over the workbook's time range. */
function panel(title: string, query: string, resourceType: string, resourceId: string): unknown {
  return {
    type: 3,
    name: title,
    content: {
      version: "KqlItem/1.0",
      title,
      query,
      size: 1,
      timeContext: { durationMs: 86400000 },
      queryType: 0,
      resourceType,
      crossComponentResources: [resourceId],
      visualization: "timechart",
    },
  };
}

const INSIGHTS = "microsoft.insights/components";
const WORKSPACE = "microsoft.operationalinsights/workspaces";

/** Requests, 5xx rate, p50/p99 latency, instances: the same four panels on every cloud. */
function functionPanels(insightsId: string): unknown[] {
  return [
    panel(
      "azure.function requests",
      "requests | summarize requests = count() by bin(timestamp, 5m)",
      INSIGHTS,
      insightsId,
    ),
    panel(
      "azure.function 5xx rate (%)",
      "requests | summarize rate = 100.0 * countif(toint(resultCode) >= 500) / count() by bin(timestamp, 5m)",
      INSIGHTS,
      insightsId,
    ),
    panel(
      "azure.function latency p50/p99 (ms)",
      "requests | summarize p50 = percentile(duration, 50), p99 = percentile(duration, 99) by bin(timestamp, 5m)",
      INSIGHTS,
      insightsId,
    ),
    panel(
      "azure.function instances",
      "requests | summarize instances = dcount(cloud_RoleInstance) by bin(timestamp, 5m)",
      INSIGHTS,
      insightsId,
    ),
  ];
}

function containerPanels(appName: string, workspaceId: string): unknown[] {
  const lines = `ContainerAppConsoleLogs_CL | where ContainerAppName_s == "${appName}" | extend line = parse_json(Log_s) | where tostring(line.msg) == "request"`;
  return [
    panel(
      "azure.container requests",
      `${lines} | summarize requests = count() by bin(TimeGenerated, 5m)`,
      WORKSPACE,
      workspaceId,
    ),
    panel(
      "azure.container 5xx rate (%)",
      `${lines} | summarize rate = 100.0 * countif(toint(line.status) >= 500) / count() by bin(TimeGenerated, 5m)`,
      WORKSPACE,
      workspaceId,
    ),
    panel(
      "azure.container latency p50/p99 (ms)",
      `${lines} | summarize p50 = percentile(todouble(line.durationMs), 50), p99 = percentile(todouble(line.durationMs), 99) by bin(TimeGenerated, 5m)`,
      WORKSPACE,
      workspaceId,
    ),
    panel(
      "azure.container instances (replicas)",
      `ContainerAppConsoleLogs_CL | where ContainerAppName_s == "${appName}" | summarize replicas = dcount(ContainerGroupName_s) by bin(TimeGenerated, 5m)`,
      WORKSPACE,
      workspaceId,
    ),
  ];
}

/** `undefined` for an empty list: no block at all in cdk.tf.json, as before receivers existed. */
function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length === 0 ? undefined : items;
}
