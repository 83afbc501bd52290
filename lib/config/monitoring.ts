/**
 * The `monitoring` block of an environment: service level objectives and
 * where alerts go. Validated with the rest of the environment (see schema.ts);
 * `objectivesFor` fills the derived defaults (latency from the timeout).
 *
 * A webhook URL is a secret (anyone holding it can post into the channel), so
 * the config names the Terraform variable that carries it, never the URL:
 * CI supplies it as the masked variable `TF_VAR_<name>`.
 */
import { z } from "zod";

/** A Terraform variable name: what `webhookVariable` holds. */
export const TF_VARIABLE = /^[a-z][a-z0-9_]{0,63}$/;
// Practical address check (local@domain.tld): catches typos, not every RFC 5322 form.
const EMAIL = /^[A-Za-z0-9._%+-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Defaults a company may override (environments/company.ts) and an environment may override again. */
export const OBJECTIVE_DEFAULTS = {
  /** Percent of requests answered without a 5xx. */
  availabilityPercent: 99.9,
  /** Rolling window the availability objective is measured over, in days. */
  windowDays: 30,
} as const;

/**
 * Receivers the alert relay (lib/relay) formats for. `heartbeat` is a dead man's switch URL
 * (healthchecks.io, Better Stack, a PagerDuty/Opsgenie heartbeat...) the relay pings every
 * 5 minutes; that service pages when the pings stop. Kept equal to the relay's own list by a test.
 */
export const RECEIVER_KINDS = ["slack", "teams", "pagerduty", "webhook", "heartbeat"] as const;

const NOT_A_URL = (value: string) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value);

/** A Terraform variable name that must not be the secret itself. */
const secretVariable = (example: string) =>
  z
    .string()
    .refine(NOT_A_URL, {
      message:
        "is a literal URL; a receiver URL or key is a secret: store it in a masked CI variable TF_VAR_<name> and put <name> here",
    })
    .refine((value) => !NOT_A_URL(value) || TF_VARIABLE.test(value), {
      message: `must be a Terraform variable name: lowercase letters, digits and underscores, e.g. ${example}`,
    });

const receiverSchema = z.strictObject({
  /** What the relay formats for: slack, teams (workflow webhook), pagerduty (Events API v2), webhook (JSON), heartbeat. */
  kind: z.enum(RECEIVER_KINDS),
  /**
   * Name of the Terraform variable holding the receiver's URL (the PagerDuty routing key for `pagerduty`),
   * supplied by CI as the masked variable `TF_VAR_<name>`. Never the value itself.
   */
  secretVariable: secretVariable("alert_slack_url"),
});

const notifySchema = z
  .strictObject({
    /** Addresses that receive every alert of the environment (each cloud asks them to confirm once). */
    emails: z.array(z.string().regex(EMAIL, "must be an e-mail address such as oncall@my-company.io")).default([]),
    /**
     * Receivers the alert relay delivers to, each in its own format (docs/operations.md, "Alert relay"):
     * every cloud posts to the environment's relay, which verifies, de-duplicates and translates.
     */
    receivers: z.array(receiverSchema).optional(),
    /**
     * A raw webhook every cloud posts its own format to (SNS JSON, Azure's common schema, GCP incidents,
     * Cloudflare's): only for a tool that reads all four. A chat or paging webhook belongs in `receivers`.
     * Name of the Terraform variable holding the URL (masked CI variable `TF_VAR_<name>`), never the URL.
     */
    webhookVariable: z
      .string()
      .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value), {
        message:
          "is a literal URL; a webhook URL is a secret: store it in a masked CI variable TF_VAR_<name> and put <name> here",
      })
      .refine((value) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || TF_VARIABLE.test(value), {
        message: "must be a Terraform variable name: lowercase letters, digits and underscores, e.g. alert_webhook_url",
      })
      .optional(),
  })
  .superRefine((notify, ctx) => {
    const receivers = notify.receivers ?? [];
    const alerted = receivers.filter((r) => r.kind !== "heartbeat");
    if (notify.emails.length === 0 && alerted.length === 0 && notify.webhookVariable === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "names nobody: add at least one address to emails or a receiver (slack, teams, pagerduty, webhook)",
      });
    }
    const variables = new Map<string, number>();
    receivers.forEach((receiver, i) => {
      const first = variables.get(receiver.secretVariable);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["receivers", i, "secretVariable"],
          message: `"${receiver.secretVariable}" is already receivers[${first}]'s; each receiver has its own secret`,
        });
      } else variables.set(receiver.secretVariable, i);
      if (receiver.secretVariable === notify.webhookVariable) {
        ctx.addIssue({
          code: "custom",
          path: ["receivers", i, "secretVariable"],
          message: `"${receiver.secretVariable}" is also webhookVariable: one URL cannot take both the raw formats and the relay's`,
        });
      }
    });
    const seen = new Set<string>();
    notify.emails.forEach((email, i) => {
      if (seen.has(email.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: ["emails", i], message: `"${email}" is listed twice` });
      }
      seen.add(email.toLowerCase());
    });
  });

/** Percent of requests that must be answered without a 5xx over `windowDays` (90 to 99.99). */
const availabilityPercent = z
  .number()
  .min(90, "must be at least 90 (percent of requests without a 5xx)")
  .max(99.99, "must be at most 99.99; a tighter objective leaves an error budget no alert can measure");
/** Rolling window of the availability objective, in days (1 to 30, GCP's longest rolling SLO period). */
const windowDays = z.number().int().min(1, "must be at least 1").max(30, "must be at most 30");

export const monitoringSchema = z.strictObject({
  /** Percent of requests that must be answered without a 5xx over `windowDays` (90 to 99.99). @default 99.9 */
  availabilityPercent: availabilityPercent.default(OBJECTIVE_DEFAULTS.availabilityPercent),
  /** Rolling window of the availability objective, in days (1 to 30). @default 30 */
  windowDays: windowDays.default(OBJECTIVE_DEFAULTS.windowDays),
  /**
   * 99th percentile response time the service promises, in milliseconds.
   * @default half of service.timeoutSeconds: past it, requests come close to being cut off
   */
  latencyP99Ms: z.number().int().min(10, "must be at least 10 ms").optional(),
  /** Who is told when an alert fires. */
  notify: notifySchema,
  /**
   * Turns the environment's alerts off (dashboards and health checks stay). The reason is
   * written next to every suppressed policy finding; at least 10 characters.
   */
  silenced: z.strictObject({ reason: z.string().trim().min(10, "must say why, in at least 10 characters") }).optional(),
});

/**
 * The company-wide defaults (`monitoring` in environments/company.ts): an environment's own
 * `monitoring` block replaces each field it sets (`notify` as a whole).
 */
export const companyMonitoringSchema = z.strictObject({
  availabilityPercent: availabilityPercent.optional(),
  windowDays: windowDays.optional(),
  notify: notifySchema.optional(),
});

export type MonitoringInput = z.input<typeof monitoringSchema>;
export type MonitoringConfig = z.output<typeof monitoringSchema>;
/** One alert receiver of an environment: its kind and the variable holding its URL or key. */
export type AlertReceiver = z.output<typeof receiverSchema>;

/** Cross-field checks against the service sizes; called from the environment schema's superRefine. */
export function monitoringProblems(monitoring: MonitoringConfig, timeoutSeconds: number): string | undefined {
  if (monitoring.latencyP99Ms !== undefined && monitoring.latencyP99Ms >= timeoutSeconds * 1000) {
    return `is ${monitoring.latencyP99Ms} ms, not below service.timeoutSeconds (${timeoutSeconds * 1000} ms); a request that slow is cut off, so the objective can never be met`;
  }
  return undefined;
}
