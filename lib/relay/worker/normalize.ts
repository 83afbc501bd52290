/**
 * Each cloud's alert payload as one {@link AlertRecord}:
 *
 * - AWS: the CloudWatch alarm JSON in an SNS Notification's `Message`
 *   (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html);
 * - Azure: the common alert schema (learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema);
 * - GCP: the incident of the webhook schema 1.2
 *   (cloud.google.com/monitoring/support/notification-options#webhooks);
 * - Cloudflare: the generic webhook payload
 *   (developers.cloudflare.com/notifications/reference/webhook-payload-schema/).
 *
 * Anything not recognised is `undefined`: the relay answers 400 rather than
 * forwarding a message nobody can read.
 */
import type { AlertRecord, Source } from "./contract";

type Json = Record<string, unknown>;
type Base = Pick<AlertRecord, "environment" | "service">;

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const obj = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** The ticket tier (lib/monitoring/burn-rate.ts) never pages. */
const severityOfName = (name: string): AlertRecord["severity"] =>
  /-burn-ticket\b/.test(name) ? "warning" : "critical";

/** An ISO time from ISO text, or epoch seconds. */
function isoTime(value: unknown, fallback: string): string {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  const text = str(value);
  if (text === undefined) return fallback;
  const date = new Date(text.replace(/(\.\d{3})\d+/, "$1").replace(/\+0000$/, "Z"));
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString();
}

/** A CloudWatch alarm state change (SNS `Message`, already parsed). */
export function fromCloudWatch(message: Json, base: Base, now: string): AlertRecord | undefined {
  const name = str(message.AlarmName);
  const state = str(message.NewStateValue);
  if (name === undefined || state === undefined) return undefined;
  const arn = str(message.AlarmArn);
  const regionCode = arn?.split(":")[3];
  return {
    ...base,
    source: "aws",
    id: arn ?? name,
    // INSUFFICIENT_DATA is no outage signal on its own: reported, never paged.
    state: state === "ALARM" ? "firing" : "resolved",
    severity: state === "ALARM" ? severityOfName(name) : "info",
    title: name,
    summary: [str(message.NewStateReason), str(message.AlarmDescription)].filter(Boolean).join(" — ") || state,
    at: isoTime(message.StateChangeTime, now),
    ...(regionCode === undefined
      ? {}
      : {
          url: `https://${regionCode}.console.aws.amazon.com/cloudwatch/home?region=${regionCode}#alarmsV2:alarm/${encodeURIComponent(name)}`,
        }),
  };
}

/** Azure Monitor's common alert schema. */
export function fromAzure(payload: Json, base: Base, now: string): AlertRecord | undefined {
  if (payload.schemaId !== "azureMonitorCommonAlertSchema") return undefined;
  const essentials = obj(obj(payload.data)?.essentials);
  const id = str(essentials?.alertId);
  const rule = str(essentials?.alertRule);
  if (essentials === undefined || id === undefined || rule === undefined) return undefined;
  const resolved = essentials.monitorCondition === "Resolved";
  // Sev0 and Sev1 page, Sev2 to Sev4 are tickets; this project's own names decide first.
  const sev = Number(/^Sev(\d)$/.exec(String(essentials.severity))?.[1] ?? 1);
  const severity: AlertRecord["severity"] =
    severityOfName(rule) === "warning" || sev >= 2 ? (sev >= 4 ? "info" : "warning") : "critical";
  return {
    ...base,
    source: "azure",
    id,
    state: resolved ? "resolved" : "firing",
    severity,
    title: rule,
    summary: str(essentials.description) ?? `${rule} ${String(essentials.monitorCondition)}`,
    at: isoTime(resolved ? essentials.resolvedDateTime : essentials.firedDateTime, now),
    url: `https://portal.azure.com/#view/Microsoft_Azure_Monitoring_Alerts/AlertDetails.ReactView/alertId/${encodeURIComponent(id)}`,
  };
}

/** A Cloud Monitoring incident (webhook schema 1.2). */
export function fromGcp(payload: Json, base: Base, now: string): AlertRecord | undefined {
  const incident = obj(payload.incident);
  const id = str(incident?.incident_id);
  if (incident === undefined || id === undefined) return undefined;
  const closed = String(incident.state).toLowerCase() === "closed";
  const title = str(incident.policy_name) ?? str(incident.condition_name) ?? id;
  const gcpSeverity = String(incident.severity ?? "").toLowerCase();
  const severity: AlertRecord["severity"] =
    gcpSeverity === "warning"
      ? "warning"
      : gcpSeverity === "error" || gcpSeverity === "critical"
        ? "critical"
        : severityOfName(title);
  return {
    ...base,
    source: "gcp",
    id,
    state: closed ? "resolved" : "firing",
    severity,
    title,
    summary: str(incident.summary) ?? str(obj(incident.documentation)?.content) ?? title,
    at: isoTime(closed ? incident.ended_at : incident.started_at, now),
    ...(str(incident.url) === undefined ? {} : { url: str(incident.url) }),
  };
}

/** A Cloudflare notification; `undefined` for the test message Cloudflare posts when a webhook is created. */
export function fromCloudflare(payload: Json, base: Base, now: string): AlertRecord | undefined {
  const alertType = str(payload.alert_type);
  const name = str(payload.policy_name) ?? str(payload.name);
  if (alertType === undefined || name === undefined) return undefined;
  const ts = typeof payload.ts === "number" ? payload.ts : undefined;
  const id = str(payload.alert_correlation_id) ?? `${str(payload.policy_id) ?? name}:${ts ?? now}`;
  return {
    ...base,
    source: "cloudflare",
    id,
    state: payload.alert_event === "ALERT_STATE_EVENT_END" ? "resolved" : "firing",
    severity: severityOfName(name),
    title: name,
    summary: str(payload.text) ?? alertType,
    at: isoTime(ts, now),
    url: "https://dash.cloudflare.com/?to=/:account/notifications",
  };
}

/** Cloudflare's "your webhook is configured" message: a payload without an alert type. */
export const isCloudflareTest = (payload: Json): boolean =>
  str(payload.alert_type) === undefined && typeof payload.text === "string";

/** The parser of each webhook source (AWS arrives through SNS, see index.ts). */
export const PARSERS: Readonly<
  Record<Exclude<Source, "aws">, (payload: Json, base: Base, now: string) => AlertRecord | undefined>
> = {
  azure: fromAzure,
  gcp: fromGcp,
  cloudflare: fromCloudflare,
};
