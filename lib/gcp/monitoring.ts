/**
 * Operations for the GCP targets of one environment: notification channels
 * (the environment's route), an SLO per target with multi-window burn-rate
 * alerts, p99 latency and saturation alerts, uptime checks on each origin's
 * health path, and one Cloud Monitoring dashboard.
 *
 * A 2nd gen function is served by a Cloud Run service of the same name, so
 * both targets are watched through the same `cloud_run_revision` metrics and
 * logs. The SLO (request-based: 5xx over all requests) lives on a custom
 * service per target; Cloud Monitoring computes its burn rate, so the
 * availability objective is alerted the way the SRE workbook describes (a
 * long and a short window must both burn, lib/monitoring/burn-rate.ts), with
 * a third condition that the short window saw the minimum request count.
 * Cloud Run's request metrics carry no path or user agent, so the uptime
 * checks' requests count as good events here (3 per minute per origin).
 */
import {
  MonitoringAlertPolicy,
  type MonitoringAlertPolicyConditions,
} from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { MonitoringCustomService } from "@cdktf/provider-google/lib/monitoring-custom-service";
import { MonitoringDashboard } from "@cdktf/provider-google/lib/monitoring-dashboard";
import { MonitoringNotificationChannel } from "@cdktf/provider-google/lib/monitoring-notification-channel";
import { MonitoringSlo } from "@cdktf/provider-google/lib/monitoring-slo";
import { MonitoringUptimeCheckConfig } from "@cdktf/provider-google/lib/monitoring-uptime-check-config";
import type { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { Construct } from "constructs";
import type { CloudMonitoringProps } from "../contract/cloud";
import { alertName, hostOf, probeMeaning, runbookText, type Signal } from "../monitoring/alerts";
import { burnAlerts, burnWhen, windowLabel } from "../monitoring/burn-rate";
import { ALERT_WINDOW, MEMORY_SATURATION_PERCENT, type Objectives } from "../monitoring/objectives";
import { type AlertRoute, assertRouted } from "../monitoring/route";
import { type AlertRow, alertId, type Severity, severityOf } from "../monitoring/rows";
import { GCP_BASIC_USER, sourcePath } from "../relay/worker/contract";
import { runServiceName } from "./naming";
import { ProjectServices } from "./project-services";
import type { GcpSettings } from "./settings";

/** What the cloud registry gives (lib/contract/cloud.ts): the environment's GCP targets, objectives and route. */
export type GcpMonitoringProps = CloudMonitoringProps<GcpSettings>;

/** Regions the uptime checks probe from (Cloud Monitoring needs at least three). */
export const UPTIME_REGIONS = ["EUROPE", "USA_VIRGINIA", "ASIA_PACIFIC"] as const;

/** An alert policy created here and what it watches (read by the parity test). */
export interface GcpAlert {
  readonly target: string;
  readonly signal: Signal;
  readonly policy: MonitoringAlertPolicy;
}

/** One GCP alert policy as data (docs/adding-a-cloud.md, "Adding an alert"): the constructor's loop makes one policy of each. */
export interface GcpAlertRow extends AlertRow {
  /** What must hold, each threshold derived from the objectives. */
  readonly conditions: readonly MonitoringAlertPolicyConditions[];
  /** @default OR */
  readonly combiner?: "AND" | "OR";
  /** @default - closes 30 minutes after the conditions stop holding */
  readonly alertStrategy?: ConstructorParameters<typeof MonitoringAlertPolicy>[2]["alertStrategy"];
}

/** Cloud Monitoring's severities by how urgent a row is (it has no level below WARNING). */
const SEVERITY: Readonly<Record<Severity, "CRITICAL" | "WARNING">> = {
  page: "CRITICAL",
  warn: "WARNING",
  ticket: "WARNING",
};

const window = `${ALERT_WINDOW.evaluationPeriods} consecutive ${ALERT_WINDOW.periodSeconds / 60}-minute periods`;
const seconds = (n: number): string => `${n}s`;
/** Threshold conditions over `ALERT_WINDOW`: every point of three 5-minute periods beyond the threshold. */
const sustained = seconds(ALERT_WINDOW.periodSeconds * ALERT_WINDOW.evaluationPeriods);

export class GcpMonitoring extends Construct {
  /** The environment's route on GCP: one channel per address, one for the webhook. */
  readonly channels: MonitoringNotificationChannel[];
  /** Every alert of the environment's GCP targets and probes, as data (also when silenced: no policy is made then). */
  readonly rows: readonly GcpAlertRow[];
  readonly alerts: GcpAlert[] = [];
  readonly slos: MonitoringSlo[] = [];
  readonly uptimeChecks: MonitoringUptimeCheckConfig[] = [];
  readonly dashboard: MonitoringDashboard;
  private readonly props: GcpMonitoringProps;

  constructor(scope: Construct, id: string, props: GcpMonitoringProps) {
    super(scope, id);
    this.props = props;
    const { spec, objectives: o, route } = props;
    const { project } = props.settings;
    const apis = ProjectServices.of(this, project).require(["monitoring.googleapis.com"]);
    const labels = { service: spec.name, environment: spec.environment };

    this.channels = channelsOf(this, project, route, labels, apis);

    const rows: GcpAlertRow[] = [];
    const tiles: unknown[] = [];
    // Targets through the contract alone: its origin gives the id alerts are named by and the public endpoint
    // (`https://...run.app`). The Cloud Run service name is derived, not the contract's `identifiers.name`
    // (a reference until apply): the filters name the service literally.
    for (const { origin: target } of props.targets) {
      const kind = target.id === "gcp.function" ? "fn" : "run";
      const service = runServiceName({ service: spec.name, environment: spec.environment }, kind);
      const revisions = `resource.type="cloud_run_revision" AND resource.label."service_name"="${service}"`;
      const requests = `metric.type="run.googleapis.com/request_count" AND ${revisions}`;

      const slo = this.slo(target.id, requests, apis);
      rows.push(
        ...burnRows(target.id, o, slo, requests, revisions),
        ...runRows(target.id, o, revisions),
        this.uptime(target.id, target.endpoint, labels, spec.healthPath),
      );
      tiles.push(...runTiles(target.id, revisions));
    }
    // Cloudflare cannot probe the edge on this zone's plan: this project's uptime checks do.
    for (const probe of props.probeEdge ?? [])
      rows.push(this.uptime("edge", probe.url, labels, probe.path, probe.what));
    this.rows = rows;

    // The table becomes policies: one per row, each to every channel of the route.
    if (o.silencedBecause === undefined) {
      assertRouted(this, route);
      for (const row of rows) this.alerts.push({ target: row.target, signal: row.signal, policy: this.policy(row) });
    }

    this.dashboard = new MonitoringDashboard(this, "dashboard", {
      project,
      dashboardJson: JSON.stringify({
        displayName: `${spec.name} ${spec.environment}`,
        mosaicLayout: {
          columns: 12,
          tiles: tiles.map((widget, i) => ({
            xPos: (i % 4) * 3,
            yPos: Math.floor(i / 4) * 4,
            width: 3,
            height: 4,
            widget,
          })),
        },
      }),
      dependsOn: apis,
    });
  }

  /** The target's availability SLO (5xx over all requests), on a custom service of its own. */
  private slo(target: string, requests: string, apis: ProjectService[]): MonitoringSlo {
    const { spec, objectives: o } = this.props;
    const { project } = this.props.settings;
    const labels = { service: spec.name, environment: spec.environment };
    const key = target.replace(".", "-");
    const custom = new MonitoringCustomService(this, `${key}-service`, {
      project,
      serviceId: `${spec.name}-${spec.environment}-${key}`,
      displayName: `${spec.name} ${spec.environment} ${target}`,
      userLabels: { ...labels, target: key },
      dependsOn: apis,
    });
    const slo = new MonitoringSlo(this, `${key}-availability`, {
      project,
      service: custom.serviceId,
      sloId: "availability",
      displayName: `${o.availabilityPercent}% of requests without a 5xx over ${o.windowDays} days`,
      goal: Number((o.availabilityPercent / 100).toFixed(6)),
      rollingPeriodDays: o.windowDays,
      requestBasedSli: {
        goodTotalRatio: {
          totalServiceFilter: requests,
          badServiceFilter: `${requests} AND metric.label."response_code_class"="5xx"`,
        },
      },
      userLabels: { ...labels, target: key },
    });
    this.slos.push(slo);
    return slo;
  }

  /** One row's policy, to every channel of the route. */
  private policy(row: GcpAlertRow): MonitoringAlertPolicy {
    const { spec } = this.props;
    const name = alertName({ service: spec.name, environment: spec.environment }, row.target, row.signal, row.what);
    return new MonitoringAlertPolicy(this, alertId(row), {
      project: this.props.settings.project,
      displayName: name,
      combiner: row.combiner ?? "OR",
      conditions: [...row.conditions],
      severity: SEVERITY[severityOf(row)],
      notificationChannels: this.channels.map((channel) => channel.id),
      documentation: { mimeType: "text/markdown", subject: name, content: runbookText(row.runbook) },
      userLabels: { service: spec.name, environment: spec.environment, signal: row.signal },
      alertStrategy: row.alertStrategy ?? { autoClose: "1800s" },
    });
  }

  /** An uptime check on the origin's health path, and the row of its alert (failing from more than one region). */
  private uptime(
    target: string,
    endpoint: string,
    labels: Record<string, string>,
    path: string,
    what: "health" | "origin-health" = "health",
  ): GcpAlertRow {
    const { spec } = this.props;
    const { project } = this.props.settings;
    const key = what === "health" ? target.replace(".", "-") : "edge-origin";
    const check = new MonitoringUptimeCheckConfig(this, `${key}-uptime`, {
      project,
      displayName: `${spec.name}-${spec.environment}-${key}-health`,
      timeout: "10s",
      period: "60s",
      selectedRegions: [...UPTIME_REGIONS],
      httpCheck: {
        path,
        port: 443,
        useSsl: true,
        validateSsl: true,
        requestMethod: "GET",
        acceptedResponseStatusCodes: [{ statusValue: 200 }],
      },
      monitoredResource: {
        type: "uptime_url",
        labels: { project_id: project, host: hostOf(endpoint) },
      },
      userLabels: { ...labels, target: key },
    });
    this.uptimeChecks.push(check);
    return {
      target,
      signal: "availability",
      what,
      runbook: {
        means: probeMeaning(key),
        when: `GET ${path} fails from more than one of ${UPTIME_REGIONS.length} regions for 2 minutes`,
        check: "the uptime check's results (Monitoring > Uptime checks), then the service's logs and revisions.",
      },
      conditions: [
        {
          displayName: "health check failing",
          conditionThreshold: {
            filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label."check_id"="${check.uptimeCheckId}"`,
            // One check per region a minute: failing from two regions for two minutes pages within 5.
            aggregations: [
              {
                alignmentPeriod: "60s",
                perSeriesAligner: "ALIGN_NEXT_OLDER",
                crossSeriesReducer: "REDUCE_COUNT_FALSE",
                groupByFields: ["resource.label.host"],
              },
            ],
            comparison: "COMPARISON_GT",
            thresholdValue: 1,
            duration: "120s",
          },
        },
      ],
    };
  }
}

/** The route on GCP, in policy order: one channel per address, one for a raw webhook, one for the relay. */
function channelsOf(
  scope: Construct,
  project: string,
  route: AlertRoute,
  labels: Record<string, string>,
  apis: ProjectService[],
): MonitoringNotificationChannel[] {
  const channels: {
    readonly id: string;
    readonly shown: string;
    readonly type: string;
    readonly labels: Record<string, string>;
    readonly sensitiveLabels?: { readonly password: string };
  }[] = [
    ...route.emails.map((email, i) => ({
      id: `email-${i}`,
      shown: email,
      type: "email",
      labels: { email_address: email },
    })),
    ...(route.webhookUrl === undefined
      ? []
      : [{ id: "webhook", shown: "webhook", type: "webhook_tokenauth", labels: { url: route.webhookUrl } }]),
    // Basic auth keeps the relay's token in sensitive_labels; the URL in labels carries no secret.
    ...(route.relay === undefined
      ? []
      : [
          {
            id: "relay",
            shown: "alert relay",
            type: "webhook_basicauth",
            labels: { url: `${route.relay.url}${sourcePath("gcp")}`, username: GCP_BASIC_USER },
            sensitiveLabels: { password: route.relay.token },
          },
        ]),
  ];
  return channels.map(
    (channel) =>
      new MonitoringNotificationChannel(scope, channel.id, {
        project,
        displayName: `${route.name} (${channel.shown})`,
        type: channel.type,
        labels: channel.labels,
        sensitiveLabels: channel.sensitiveLabels,
        userLabels: labels,
        dependsOn: apis,
      }),
  );
}

/** One policy per burn tier against the target's SLO: both windows burning, the short one with enough requests. */
function burnRows(
  target: string,
  o: Objectives,
  slo: MonitoringSlo,
  requests: string,
  revisions: string,
): GcpAlertRow[] {
  return burnAlerts(o).map((burn) => {
    const condition = (windowSeconds: number): MonitoringAlertPolicyConditions => ({
      displayName: `burn rate over ${windowLabel(windowSeconds)} above ${burn.burnRate}`,
      conditionThreshold: {
        filter: `select_slo_burn_rate("${slo.id}", "${seconds(windowSeconds)}")`,
        comparison: "COMPARISON_GE",
        // The SLO's burn rate is the error ratio over the budget: the capped ratio, in burn terms.
        thresholdValue: Number((burn.errorRatio / o.errorBudget).toFixed(6)),
        duration: "0s",
      },
    });
    return {
      target,
      signal: "error",
      what: `burn-${burn.name}`,
      runbook: {
        means: `${burn.severity === "page" ? "Page" : "Ticket"}: ${target} spends its error budget ${burn.burnRate}x faster than the ${o.availabilityPercent}% objective allows.`,
        when: burnWhen(burn),
        check: `the service's logs in Cloud Logging (${revisions}, severity>=ERROR) and its latest revision.`,
      },
      conditions: [
        condition(burn.longWindowSeconds),
        condition(burn.shortWindowSeconds),
        {
          displayName: `at least ${burn.minRequests} requests over ${windowLabel(burn.shortWindowSeconds)}`,
          conditionThreshold: {
            filter: requests,
            aggregations: [
              {
                alignmentPeriod: seconds(burn.shortWindowSeconds),
                perSeriesAligner: "ALIGN_DELTA",
                crossSeriesReducer: "REDUCE_SUM",
              },
            ],
            comparison: "COMPARISON_GT",
            thresholdValue: burn.minRequests - 1,
            duration: "0s",
          },
        },
      ],
      combiner: "AND",
      severity: burn.severity,
    };
  });
}

/** p99 latency, memory and terminated containers of a Cloud Run service (a 2nd gen function is one too). */
function runRows(target: string, o: Objectives, revisions: string): GcpAlertRow[] {
  return [
    {
      target,
      signal: "latency",
      what: "p99",
      runbook: {
        means: `${target} answers slower than the latency objective.`,
        when: `p99 request latency exceeds ${o.latencyP99Ms} ms for ${window}`,
        check: "the service's request latencies and instance count in Cloud Run; cold starts and CPU.",
      },
      conditions: [
        {
          displayName: `p99 latency above ${o.latencyP99Ms} ms`,
          conditionThreshold: {
            filter: `metric.type="run.googleapis.com/request_latencies" AND ${revisions}`,
            // Merge every revision's latency distribution, then take its p99: a max of per-series
            // p99s overstates a quiet revision and is no percentile of the service's requests.
            aggregations: [
              {
                alignmentPeriod: seconds(ALERT_WINDOW.periodSeconds),
                perSeriesAligner: "ALIGN_DELTA",
                crossSeriesReducer: "REDUCE_PERCENTILE_99",
              },
            ],
            comparison: "COMPARISON_GT",
            thresholdValue: o.latencyP99Ms,
            duration: sustained,
          },
        },
      ],
    },
    {
      target,
      signal: "saturation",
      what: "memory",
      runbook: {
        means: `${target} instances run close to their memory limit; past it Cloud Run kills and restarts them.`,
        when: `p99 container memory use exceeds ${MEMORY_SATURATION_PERCENT}% of the limit for ${window}`,
        check: "memory utilization per revision in Cloud Run; raise service.memoryMb or find the leak.",
      },
      conditions: [
        {
          displayName: `memory above ${MEMORY_SATURATION_PERCENT}%`,
          conditionThreshold: {
            filter: `metric.type="run.googleapis.com/container/memory/utilizations" AND ${revisions}`,
            aggregations: [
              {
                alignmentPeriod: seconds(ALERT_WINDOW.periodSeconds),
                perSeriesAligner: "ALIGN_PERCENTILE_99",
                crossSeriesReducer: "REDUCE_MAX",
              },
            ],
            comparison: "COMPARISON_GT",
            thresholdValue: MEMORY_SATURATION_PERCENT / 100,
            duration: sustained,
          },
        },
      ],
    },
    {
      target,
      signal: "saturation",
      what: "restarts",
      runbook: {
        means: `${target} container instances were terminated (out of memory, crash, failed probe) and restarted.`,
        when: "Cloud Run logs a terminated container or an exceeded memory limit",
        check: "the revision's system logs (run.googleapis.com/varlog/system) around the termination.",
      },
      conditions: [
        {
          displayName: "container terminated",
          conditionMatchedLog: {
            filter: `${revisions.replace(/resource\.label\./g, "resource.labels.")} AND (textPayload:"Container terminated" OR textPayload:"Memory limit of")`,
          },
        },
      ],
      // Log-match policies need a notification rate limit.
      alertStrategy: { notificationRateLimit: { period: "300s" }, autoClose: "1800s" },
    },
  ];
}

/** A line chart of one time series query. */
function chart(title: string, dataSets: unknown[]): unknown {
  return { title, xyChart: { dataSets, chartOptions: { mode: "COLOR" } } };
}

function series(filter: string, aligner: string, reducer: string): unknown {
  return {
    timeSeriesQuery: {
      timeSeriesFilter: {
        filter,
        aggregation: { alignmentPeriod: "60s", perSeriesAligner: aligner, crossSeriesReducer: reducer },
      },
    },
    plotType: "LINE",
  };
}

/** Requests, 5xx rate, p50/p99 latency, instances: the same four panels on every cloud. */
function runTiles(target: string, revisions: string): unknown[] {
  const requests = `metric.type="run.googleapis.com/request_count" AND ${revisions}`;
  const latency = `metric.type="run.googleapis.com/request_latencies" AND ${revisions}`;
  const aggregation = { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" };
  return [
    chart(`${target} requests`, [series(requests, "ALIGN_RATE", "REDUCE_SUM")]),
    chart(`${target} 5xx rate`, [
      {
        timeSeriesQuery: {
          timeSeriesFilterRatio: {
            numerator: { filter: `${requests} AND metric.label."response_code_class"="5xx"`, aggregation },
            denominator: { filter: requests, aggregation },
          },
        },
        plotType: "LINE",
      },
    ]),
    chart(`${target} latency p50/p99 (ms)`, [
      series(latency, "ALIGN_PERCENTILE_50", "REDUCE_MAX"),
      series(latency, "ALIGN_PERCENTILE_99", "REDUCE_MAX"),
    ]),
    chart(`${target} instances`, [
      series(`metric.type="run.googleapis.com/container/instance_count" AND ${revisions}`, "ALIGN_MAX", "REDUCE_SUM"),
    ]),
  ];
}
