/**
 * The contract between the router Worker and the Terraform that deploys it:
 * binding names and types, the shape of the routing JSON, and the names the
 * Worker answers with. Both sides import this file, and a test checks the
 * synthesized `cloudflare_workers_script` against what the Worker code reads.
 *
 * No imports with side effects: this file is bundled into the Worker.
 */

/** Every binding the Worker reads, with the `cloudflare_workers_script` binding type that provides it. */
export const BINDINGS = {
  /** `json`: the routing table, an {@link EdgeConfig} written by Terraform. */
  config: { name: "EDGE_CONFIG", type: "json" },
  /** `secret_text`: the origin secret, sent to origins and never returned to clients. */
  originSecret: { name: "ORIGIN_SECRET", type: "secret_text" },
  /** `secret_text`: HMAC key that signs the sticky cookie (and keys sticky header values). */
  stickyKey: { name: "STICKY_KEY", type: "secret_text" },
  /** `secret_text`: the key before the last rotation; cookies it signed are still honoured, and re-signed. */
  stickyKeyPrevious: { name: "STICKY_KEY_PREVIOUS", type: "secret_text" },
  /** `analytics_engine`: one data point per origin attempt (worker/analytics.ts); optional at run time. */
  analytics: { name: "EDGE_ANALYTICS", type: "analytics_engine" },
} as const;

/**
 * Runtime date the Worker is written against: Terraform deploys with it and the
 * Miniflare tests run with it, so tests exercise the deployed semantics.
 * Must not be later than the workerd shipped with the pinned miniflare.
 */
export const COMPATIBILITY_DATE = "2026-04-01";

/** Name of the bundled module in the upload (`main_module`). */
export const MAIN_MODULE = "worker.js";

/** One origin the Worker may route to. */
export interface EdgeOrigin {
  /** `<cloud>.<kind>` (`aws.function`...): named in the served-by header and in errors. */
  readonly id: string;
  /** HTTPS base URL; a path prefix (`/api`) is kept in front of the client's path. */
  readonly url: string;
  /** Relative share of new clients; 0 = never routed to, not even on failover. */
  readonly weight: number;
  /**
   * Share (0 to 1) of this origin's answers that come from the release being rolled out
   * ({@link EdgeConfig.release}): 1 when it runs that release alone, `canaryPercent`/100 where
   * the cloud splits a canary between two releases, 0 when it serves the stable release only.
   * Absent = 1.
   */
  readonly releaseShare?: number;
}

/** The release the routing table was deployed with, and its rollout step (lib/release.ts). */
export interface EdgeRelease {
  /** Release id (commit SHA), at most 64 of [0-9A-Za-z._-]. */
  readonly id: string;
  /** `canary`, `promote` or `rollback`. */
  readonly step: string;
}

/** The `EDGE_CONFIG` JSON binding. */
export interface EdgeConfig {
  /** Origins in a stable order; may be empty (the edge then answers 503 except on its health path). */
  readonly origins: readonly EdgeOrigin[];
  /** Per-origin time limit to response headers, in milliseconds; past it the origin counts as failed. */
  readonly timeoutMs: number;
  /** Origins tried at most for one idempotent request (first choice included). */
  readonly maxAttempts: number;
  /** Request header whose value pins a client to an origin (e.g. a user id); absent = cookie only. */
  readonly stickyHeader?: string;
  /** Largest request body in bytes; larger ones get 413 before anything is read or forwarded. */
  readonly maxBodyBytes: number;
  /**
   * Overall time limit for one request, in milliseconds: reading the client's
   * body and every attempt up to the response headers. Past it: 504.
   */
  readonly deadlineMs: number;
  /** The edge's public hostname, the only value origins ever see in `X-Forwarded-Host`. */
  readonly publicHost: string;
  /**
   * The release being rolled out: every data point is tagged with it, so the canary
   * analysis reads one release's attempts only. Absent (a fresh clone) = tagged `local`.
   */
  readonly release?: EdgeRelease;
  /** Share of successful origin attempts written to Analytics Engine, 0 to 1 (failures are always written); absent = 1. */
  readonly analyticsSampleRate?: number;
  /**
   * Debugging only: name the origin that served in {@link SERVED_BY_HEADER}. Absent or false, clients are
   * never told, so they cannot re-roll their routing cookie until they land on an origin they prefer.
   */
  readonly debugHeaders?: boolean;
}

/** Answered by the edge itself, never forwarded. */
export const HEALTH_PATH = "/_edge/healthz";
/** Paths under this prefix belong to the edge and are never forwarded. */
export const EDGE_PATH_PREFIX = "/_edge/";
/** Response header naming the origin that served (`aws.container`...), only with `debugHeaders`. */
export const SERVED_BY_HEADER = "x-edge-origin";
/** Response header with the number of origins tried. */
export const ATTEMPTS_HEADER = "x-edge-attempts";
/** Cookie holding the client's random routing key, signed by the Worker (`<id>.<signature>`). */
export const STICKY_COOKIE = "edge_client";
