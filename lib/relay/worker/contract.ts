/**
 * The contract between the alert relay Worker and the Terraform that deploys
 * it (lib/relay/relay.ts): binding names, the config JSON, the paths each
 * cloud posts to, and the one alert record every source is normalized into.
 *
 * No imports with side effects: this file is bundled into the Worker.
 */

/** Receiver kinds the relay formats for; e-mail stays with each cloud's native channel. */
export const RECEIVER_KINDS = ["slack", "teams", "pagerduty", "webhook", "heartbeat"] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

/** The sources the relay accepts, each on its own path. */
export const SOURCES = ["aws", "azure", "gcp", "cloudflare"] as const;
export type Source = (typeof SOURCES)[number];

/** `POST <relay>/v1/<source>`: where each cloud's route posts. */
export const sourcePath = (source: Source): string => `/v1/${source}`;
/** `GET <relay>/healthz`: answered without any secret, for outside checks. */
export const RELAY_HEALTH_PATH = "/healthz";
/** The Basic auth user GCP's `webhook_basicauth` channel sends (the password is the token). */
export const GCP_BASIC_USER = "gcp";
/** Query parameter carrying the token where a cloud can set no header (SNS, Azure). */
export const TOKEN_PARAM = "token";
/** Header Cloudflare notification webhooks send their `secret` in. */
export const CLOUDFLARE_SECRET_HEADER = "cf-webhook-auth";

/** Fixed bindings; each receiver adds a `secret_text` binding named by its `binding`. */
export const RELAY_BINDINGS = {
  /** `json`: the {@link RelayConfig}. */
  config: { name: "RELAY_CONFIG", type: "json" },
  /** `secret_text`: the token every source must present (SNS also signs). */
  token: { name: "RELAY_TOKEN", type: "secret_text" },
} as const;

/** The binding holding receiver `index`'s URL or key. */
export const receiverBinding = (index: number): string => `RECEIVER_${index}`;

/** PagerDuty's Events API v2 endpoint (receivers of kind `pagerduty` hold the routing key). */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export interface RelayReceiver {
  /** Named in logs and in the de-duplication key; never the secret. */
  readonly name: string;
  readonly kind: ReceiverKind;
  /** The `secret_text` binding with the URL (slack, teams, webhook, heartbeat) or routing key (pagerduty). */
  readonly binding: string;
  /** pagerduty only: the Events API URL. @default PAGERDUTY_EVENTS_URL */
  readonly endpoint?: string;
}

/** The `RELAY_CONFIG` JSON binding. */
export interface RelayConfig {
  readonly service: string;
  readonly environment: string;
  readonly receivers: readonly RelayReceiver[];
  /** An alert (source, id, state) delivered to a receiver is not delivered again to it for this long. */
  readonly dedupeSeconds: number;
  /** SNS topic names (last part of the ARN) whose messages are accepted. */
  readonly snsTopics: readonly string[];
}

/** One alert, whatever cloud sent it. */
export interface AlertRecord {
  readonly source: Source;
  /** Stable across an alert's notifications (alarm ARN, Azure alert id, GCP incident id, Cloudflare correlation id). */
  readonly id: string;
  readonly state: "firing" | "resolved";
  /** `critical` pages; `warning` is a ticket (the `-burn-ticket` tier, Azure Sev2+). */
  readonly severity: "critical" | "warning" | "info";
  /** The alert's name (`<service>-<env>-<target>-<signal>-...` for this project's alerts). */
  readonly title: string;
  readonly summary: string;
  /** When the state began, ISO 8601. */
  readonly at: string;
  /** A link to the alert in its cloud's console, when the payload gives one. */
  readonly url?: string;
  readonly environment: string;
  readonly service: string;
}

/** Compatibility date of the relay (same runtime semantics as the edge router). */
export const RELAY_COMPATIBILITY_DATE = "2026-04-01";
export const RELAY_MAIN_MODULE = "relay.js";
