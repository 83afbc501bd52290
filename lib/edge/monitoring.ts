/**
 * Operations for the Cloudflare edge of one environment, as far as the zone's
 * plan allows (lib/edge/plan.ts): the environment's route on Cloudflare
 * (e-mails and a notification webhook), the zone's 5xx-rate alert against
 * the availability objective (Business and up, zone owner only), and
 * Cloudflare health checks on the public edge URL (its own health path and
 * the service's, which the Worker forwards to an origin) and the AWS origins (paid
 * zones, zone owner only; otherwise Route 53 and one cloud's check probe
 * them). Health checks run from Cloudflare's network, outside every cloud
 * they watch, so an origin that is down while the edge fails over still
 * pages.
 *
 * Worker exceptions and exceeded CPU end as 5xx answers at the edge, which
 * the edge error alert counts; the per-origin failure rate the router writes
 * to Analytics Engine is read by `npm run edge:signal` (lib/edge/signal.ts).
 */
import { Healthcheck } from "@cdktf/provider-cloudflare/lib/healthcheck";
import {
  NotificationPolicy,
  type NotificationPolicyMechanisms,
} from "@cdktf/provider-cloudflare/lib/notification-policy";
import { NotificationPolicyWebhooks } from "@cdktf/provider-cloudflare/lib/notification-policy-webhooks";
import { Construct } from "constructs";
import { alertName, hostOf, runbookText, type Signal } from "../monitoring/alerts";
import type { Objectives } from "../monitoring/objectives";
import type { AlertRoute } from "../monitoring/route";
import { sourcePath } from "../relay/worker/contract";
import { type EdgeChecks, edgeProbes } from "./plan";

export interface EdgeMonitoringProps {
  /** Service and environment names, for alert and check names. */
  readonly service: string;
  readonly environment: string;
  readonly objectives: Objectives;
  readonly route: AlertRoute;
  readonly accountId: string;
  readonly zoneId: string;
  /** Public URL of the edge, `https://api.<domain>`. */
  readonly edgeUrl: string;
  /** Path of the workload's health endpoint on every origin. */
  readonly healthPath: string;
  /**
   * Origins checked from Cloudflare, by id, with their endpoint (`https://host`).
   * @default - none: only the edge URL
   */
  readonly origins?: readonly { readonly id: string; readonly endpoint: string }[];
  /**
   * What the zone's plan allows this environment (lib/edge/plan.ts).
   * @default - health checks and the edge error alert (a paid zone owned by this environment)
   */
  readonly checks?: EdgeChecks;
}

/** Cloudflare regions the health checks run from. */
export const HEALTH_CHECK_REGIONS = ["WEU", "ENAM", "SEAS"] as const;

/** A notification policy created here and what it watches (read by the parity test). */
export interface EdgeAlert {
  readonly target: string;
  readonly signal: Signal;
  readonly policy: NotificationPolicy;
}

export class EdgeMonitoring extends Construct {
  readonly webhook?: NotificationPolicyWebhooks;
  /** The alert relay as a Cloudflare webhook destination (its secret goes in `cf-webhook-auth`). */
  readonly relayWebhook?: NotificationPolicyWebhooks;
  readonly healthChecks: Healthcheck[] = [];
  readonly alerts: EdgeAlert[] = [];

  constructor(scope: Construct, id: string, props: EdgeMonitoringProps) {
    super(scope, id);
    const { objectives: o, route } = props;
    const checks = props.checks ?? { cloudflareHealthChecks: true, edgeErrorAlert: true };
    const base = { service: props.service, environment: props.environment };
    const alerting = o.silencedBecause === undefined && (checks.cloudflareHealthChecks || checks.edgeErrorAlert);
    if (route.webhookUrl !== undefined && alerting) {
      this.webhook = new NotificationPolicyWebhooks(this, "webhook", {
        accountId: props.accountId,
        name: route.name,
        url: route.webhookUrl,
      });
    }
    if (route.relay !== undefined && alerting) {
      this.relayWebhook = new NotificationPolicyWebhooks(this, "relay", {
        accountId: props.accountId,
        name: `${route.name}-relay`,
        url: `${route.relay.url}${sourcePath("cloudflare")}`,
        secret: route.relay.token,
        // Cloudflare posts a test message on creation: the relay must answer it already.
        dependsOn: [...(route.relay.dependsOn ?? [])],
      });
    }
    const webhooks = [this.webhook, this.relayWebhook].filter((w) => w !== undefined);
    const mechanisms: NotificationPolicyMechanisms = {
      email: route.emails.length === 0 ? undefined : route.emails.map((email) => ({ id: email })),
      webhooks: webhooks.length === 0 ? undefined : webhooks.map((w) => ({ id: w.id })),
    };

    const checked = !checks.cloudflareHealthChecks
      ? []
      : [
          ...edgeProbes(props.edgeUrl, props.healthPath).map((probe) => ({
            id: probe.what === "health" ? "edge" : "edge-origin",
            address: hostOf(probe.url),
            path: probe.path,
          })),
          ...(props.origins ?? []).map((origin) => ({
            id: origin.id,
            address: hostOf(origin.endpoint),
            path: props.healthPath,
          })),
        ];
    for (const check of checked) {
      const key = check.id.replace(".", "-");
      this.healthChecks.push(
        new Healthcheck(this, `${key}-health`, {
          zoneId: props.zoneId,
          name: `${props.service}-${props.environment}-${key}-health`,
          description: `GET ${check.path} on ${check.id}, from Cloudflare (${HEALTH_CHECK_REGIONS.join(", ")})`,
          address: check.address,
          type: "HTTPS",
          checkRegions: [...HEALTH_CHECK_REGIONS],
          interval: 60,
          timeout: 10,
          retries: 2,
          consecutiveFails: 2,
          consecutiveSuccesses: 2,
          httpConfig: { method: "GET", path: check.path, port: 443, expectedCodes: ["200"], followRedirects: false },
        }),
      );
    }
    if (o.silencedBecause !== undefined) return;

    if (this.healthChecks.length > 0)
      this.alerts.push({
        target: "edge",
        signal: "availability",
        policy: new NotificationPolicy(this, "health", {
          accountId: props.accountId,
          name: alertName(base, "edge", "availability", "health-checks"),
          description: runbookText({
            means: `A Cloudflare health check (${checked.map((c) => c.id).join(", ")}) changed state: the edge or an origin fails its health path from outside (edge-origin: the service's health path through the edge, so the origin secret or every origin).`,
            when: "a check fails twice in a row from a Cloudflare region",
            check:
              "Traffic > Health Checks in the Cloudflare dashboard for the failing check, then that target's alerts.",
          }),
          alertType: "health_check_status_notification",
          filters: { healthCheckId: this.healthChecks.map((h) => h.id) },
          mechanisms,
        }),
      });
    // The zone's error rate covers every environment on the zone: only its owner creates the alert.
    if (checks.edgeErrorAlert)
      this.alerts.push({
        target: "edge",
        signal: "error",
        policy: new NotificationPolicy(this, "errors", {
          accountId: props.accountId,
          name: alertName(base, "edge", "error", "rate"),
          description: runbookText({
            means:
              "The edge answers 5xx faster than the availability objective allows: Worker exceptions, exceeded CPU, or every origin failing at once (502/504).",
            when: `the zone's edge 5xx rate breaks the ${o.availabilityPercent}% objective`,
            check:
              "Workers > the edge script > Observability (exceptions, exceededCpu), then `npm run edge:signal` for per-origin failures.",
          }),
          alertType: "http_alert_edge_error",
          filters: { zones: [props.zoneId], slo: [String(o.availabilityPercent)] },
          mechanisms,
        }),
      });
  }
}
