/**
 * Detection time of the synthesized alerts, read back from cdk.tf.json: how
 * long after a change in the error ratio (a total outage, a 6x burn...) the
 * first alert of a target notifies. The model, per alert kind:
 *
 * - a burn-rate window of length W with threshold T sees the ratio r x t / W
 *   t seconds after errors start at ratio r (the window was clean before), so
 *   it holds from W x T / r on (never when r < T); a tier fires when both its
 *   windows hold; add one evaluation interval (worst case alignment);
 * - an outside check fails after `consecutive fails x interval` (Cloudflare),
 *   `failure threshold x interval + alarm period + 1 min` (Route 53),
 *   `period + condition duration + 1 min` (GCP uptime), `frequency + 1 min`
 *   (Azure standard test with its metric alert).
 *
 * Steady traffic above every window's minimum request count is assumed;
 * metric and log ingestion delay (about 1 to 5 minutes, cloud dependent) is
 * not modeled.
 */
import { resourcesOf, type TerraformJson } from "../helpers/terraform";

type Block = Record<string, unknown>;

export interface Detection {
  readonly seconds: number;
  /** The alert that notifies first (its name after `<target>-`). */
  readonly by: string;
}

/** A rule that responds to a given error ratio after some seconds (Infinity: never). */
interface Responder {
  readonly target: string;
  readonly by: string;
  readonly severity: "page" | "ticket";
  /** Seconds until it notifies when `ratio` of requests fail (1 = total outage, health path failing too). */
  readonly after: (ratio: number) => number;
}

/**
 * Seconds until a window of `seconds` with threshold `threshold` holds at error ratio `ratio`
 * (thresholds compare "at or above"; a relative 1e-9 absorbs float noise such as 6 x 0.001).
 */
const windowHolds = (seconds: number, threshold: number, ratio: number): number =>
  ratio >= threshold * (1 - 1e-9) ? (seconds * threshold) / ratio : Number.POSITIVE_INFINITY;

const TARGET = /-((?:aws|azure|gcp)-(?:function|container)|edge)-/;
const targetOf = (name: string): string => TARGET.exec(name)?.[1] ?? "";
const after = (name: string, target: string): string => name.slice(name.indexOf(`-${target}-`) + target.length + 2);
const tierOf = (name: string): "page" | "ticket" => (/-burn-ticket/.test(name) ? "ticket" : "page");

/** ISO 8601 durations the alerts use (PT1M, PT1H, P2D) in seconds. */
export function isoSeconds(iso: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (match === null) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const [, d, h, m] = match.map((v) => Number(v ?? 0));
  return d * 86400 + h * 3600 + m * 60;
}

/** KQL timespans of the burn queries' `let` lines (5m, 1h, 2d) in seconds. */
function kqlSeconds(span: string): number {
  const match = /^(\d+)([mhd])$/.exec(span);
  if (match === null) throw new Error(`not a KQL timespan: ${span}`);
  return Number(match[1]) * { m: 60, h: 3600, d: 86400 }[match[2] as "m" | "h" | "d"];
}

function awsResponders(json: TerraformJson): Responder[] {
  const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
  const checks = resourcesOf(json, "aws_route53_health_check");
  // Route 53: unhealthy after failure_threshold x request_interval, then the alarm's period and one evaluation.
  const route53 = Object.values(alarms)
    .filter((alarm) => alarm.namespace === "AWS/Route53" && alarm.alarm_actions !== undefined)
    .map((alarm): Responder => {
      const id = /aws_route53_health_check\.([\w-]+)\.id/.exec(String((alarm.dimensions as Block).HealthCheckId));
      const check = id === null ? undefined : checks[id[1]];
      if (check === undefined) throw new Error(`${alarm.alarm_name}: names no health check of the stack`);
      const seconds =
        Number(check.failure_threshold) * Number(check.request_interval) +
        Number(alarm.period) * Number(alarm.evaluation_periods) +
        60;
      return {
        target: targetOf(String(alarm.alarm_name)),
        by: "Route 53 health check",
        severity: "page",
        after: (r) => (r >= 1 ? seconds : Infinity),
      };
    });
  return [
    ...route53,
    ...Object.values(resourcesOf(json, "aws_cloudwatch_composite_alarm")).map((composite) => {
      const name = String(composite.alarm_name);
      const ids = [...String(composite.alarm_rule).matchAll(/aws_cloudwatch_metric_alarm\.([\w-]+)\.alarm_name/g)].map(
        (m) => m[1],
      );
      if (ids.length !== 2) throw new Error(`${name}: expected a long and a short window alarm, found ${ids.length}`);
      const windows = ids.map((id) => {
        const alarm = alarms[id];
        const metric = (alarm.metric_query as Block[]).find((q) => q.metric !== undefined)?.metric as Block;
        return { seconds: Number(metric.period), threshold: Number(alarm.threshold) };
      });
      const target = targetOf(name);
      return {
        target,
        by: after(name, target),
        severity: tierOf(name),
        // CloudWatch evaluates every minute over a sliding window.
        after: (ratio: number) => Math.max(...windows.map((w) => windowHolds(w.seconds, w.threshold, ratio))) + 60,
      };
    }),
  ];
}

function azureResponders(json: TerraformJson): Responder[] {
  const responders: Responder[] = [];
  for (const alert of Object.values(resourcesOf(json, "azurerm_monitor_scheduled_query_rules_alert_v2"))) {
    const name = String(alert.name);
    if (!name.includes("-burn-")) continue;
    const [criteria] = alert.criteria as Block[];
    const query = String(criteria.query);
    const span = (key: string) => {
      const match = new RegExp(`let ${key} = (\\w+);`).exec(query);
      if (match === null) throw new Error(`${name}: no "let ${key}" in its query`);
      return kqlSeconds(match[1]);
    };
    const windows = [span("longWindow"), span("shortWindow")];
    if (windows[0] > isoSeconds(String(alert.window_duration))) {
      throw new Error(`${name}: its long window exceeds the query's time range ${alert.window_duration}`);
    }
    const threshold = Number(criteria.threshold);
    const frequency = isoSeconds(String(alert.evaluation_frequency));
    const target = targetOf(name);
    responders.push({
      target,
      by: after(name, target),
      severity: tierOf(name),
      after: (ratio) => Math.max(...windows.map((w) => windowHolds(w, threshold, ratio))) + frequency,
    });
  }
  for (const test of Object.values(resourcesOf(json, "azurerm_application_insights_standard_web_test"))) {
    const target = targetOf(String(test.name));
    const frequency = Number(test.frequency);
    // The metric alert on the test's location availability evaluates every minute.
    responders.push({
      target,
      by: "standard test",
      severity: "page",
      after: (r) => (r >= 1 ? frequency + 60 : Infinity),
    });
  }
  return responders;
}

function gcpResponders(json: TerraformJson): Responder[] {
  const slos = resourcesOf(json, "google_monitoring_slo");
  const responders: Responder[] = [];
  const uptime = resourcesOf(json, "google_monitoring_uptime_check_config");
  for (const policy of Object.values(resourcesOf(json, "google_monitoring_alert_policy"))) {
    const name = String(policy.display_name);
    const target = targetOf(name);
    const conditions = (policy.conditions as Block[]).map((c) => c.condition_threshold as Block | undefined);
    const burn = conditions.flatMap((c) => {
      const match = /select_slo_burn_rate\("\$\{google_monitoring_slo\.([\w-]+)\.id\}", "(\d+)s"\)/.exec(
        String(c?.filter ?? ""),
      );
      return match === null || c === undefined
        ? []
        : [{ slo: match[1], seconds: Number(match[2]), burn: Number(c.threshold_value) }];
    });
    if (burn.length > 0) {
      const budget = 1 - Number(slos[burn[0].slo].goal);
      responders.push({
        target,
        by: after(name, target),
        severity: tierOf(name),
        // Cloud Monitoring re-evaluates conditions about every minute.
        after: (ratio) => Math.max(...burn.map((w) => windowHolds(w.seconds, w.burn * budget, ratio))) + 60,
      });
      continue;
    }
    const check = conditions.find((c) => String(c?.filter ?? "").includes("uptime_check/check_passed"));
    if (check !== undefined) {
      const id = /check_id"="\$\{google_monitoring_uptime_check_config\.([\w-]+)\.uptime_check_id\}"/.exec(
        String(check.filter),
      );
      const period = id === null ? 60 : Number.parseInt(String(uptime[id[1]].period), 10);
      const duration = Number.parseInt(String(check.duration), 10);
      responders.push({
        target,
        by: "uptime check",
        severity: "page",
        after: (r) => (r >= 1 ? period + duration + 60 : Infinity),
      });
    }
  }
  return responders;
}

function cloudflareResponders(json: TerraformJson): Responder[] {
  const policies = Object.values(resourcesOf(json, "cloudflare_notification_policy")).filter(
    (p) => p.alert_type === "health_check_status_notification",
  );
  const watched = new Set(
    policies.flatMap((p) => ((p.filters as Block | undefined)?.health_check_id as string[] | undefined) ?? []),
  );
  return Object.entries(resourcesOf(json, "cloudflare_healthcheck"))
    .filter(([id]) => watched.has(`\${cloudflare_healthcheck.${id}.id}`))
    .map(([, check]) => ({
      target: targetOf(String(check.name)),
      by: "Cloudflare health check",
      severity: "page" as const,
      after: (r: number) => (r >= 1 ? Number(check.interval) * Number(check.consecutive_fails) : Infinity),
    }));
}

/**
 * The edge's 5xx that come from origins: the router answers 5xx only when the origins it tried
 * failed, so the edge's ratio r is at most the weighted mean of the origins' ratios, and some
 * origin fails at r or more. Whichever it is, that origin's burn pages: the bound is the slowest
 * origin's first page at r. The Worker's own errors (exceptions, exceeded CPU, its deadline) are
 * not in it: only Cloudflare's zone error alert sees them (Business and up).
 */
function edgeThroughOrigins(origin: readonly Responder[]): Responder[] {
  const burns = origin.filter((r) => r.target !== "edge" && r.severity === "page" && /-burn-/.test(r.by));
  const targets = [...new Set(burns.map((r) => r.target))];
  if (targets.length === 0) return [];
  const firstOf = (target: string, ratio: number) =>
    Math.min(...burns.filter((r) => r.target === target).map((r) => r.after(ratio)));
  return [
    {
      target: "edge",
      by: "the failing origin's burn-medium",
      severity: "page",
      // A total outage of the edge may be the edge itself (Worker, DNS): only outside checks count for it.
      after: (ratio) => (ratio >= 1 ? Number.POSITIVE_INFINITY : Math.max(...targets.map((t) => firstOf(t, ratio)))),
    },
  ];
}

/** Every rule of the stack that responds to a rising error ratio, by target. */
export function responders(json: TerraformJson): Responder[] {
  const own = [...awsResponders(json), ...azureResponders(json), ...gcpResponders(json), ...cloudflareResponders(json)];
  return [...own, ...edgeThroughOrigins(own)];
}

/** The first notification of `target` at error ratio `ratio`, of the given severities. */
export function firstAlert(
  all: readonly Responder[],
  target: string,
  ratio: number,
  severities: readonly ("page" | "ticket")[] = ["page"],
): Detection | undefined {
  const times = all
    .filter((r) => r.target === target && severities.includes(r.severity))
    .map((r) => ({ seconds: r.after(ratio), by: r.by }))
    .filter((d) => Number.isFinite(d.seconds))
    .sort((a, b) => a.seconds - b.seconds || a.by.localeCompare(b.by));
  return times[0];
}

/** `1.9 min`, `6 h`: a detection time as the docs write it. */
export function formatSeconds(seconds: number): string {
  if (seconds < 3600) return `${Number((seconds / 60).toFixed(1))} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}
