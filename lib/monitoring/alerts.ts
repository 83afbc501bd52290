/**
 * What every alert on every cloud has in common: a name that says whose and
 * what it is, and a runbook-style description. The parity test and
 * `npm run policy` read the signal back from the name.
 */
import { Fn, Token } from "cdktf";
import { CLOUDS, TARGET_KINDS } from "../config/schema";

/** The golden signals an alert watches; `availability` is an outside health check. */
export const SIGNALS = ["error", "latency", "saturation", "availability"] as const;
export type Signal = (typeof SIGNALS)[number];

/** `<service>-<environment>-<target>-<signal>-<what>`, e.g. `shop-prod-aws-function-error-rate`. */
export function alertName(
  base: { readonly service: string; readonly environment: string },
  target: string,
  signal: Signal,
  what: string,
): string {
  return [base.service, base.environment, target.replace(/\./g, "-"), signal, what].join("-");
}

// `-<cloud>-<kind>-` or `-edge-`, then `<signal>-`, for every cloud of the registry.
const ALERT_NAME = new RegExp(`-((?:${CLOUDS.join("|")})-(?:${TARGET_KINDS.join("|")})|edge)-(${SIGNALS.join("|")})-`);

/** Reads `<target>-<signal>-` back from an alert name (`aws-function`, `error`), for tests and reports. */
export function parseAlertName(name: string): { readonly target: string; readonly signal: Signal } | undefined {
  const match = ALERT_NAME.exec(name);
  return match === null ? undefined : { target: match[1], signal: match[2] as Signal };
}

export interface Runbook {
  /** What firing means, in one sentence. */
  readonly means: string;
  /** The first thing to look at. */
  readonly check: string;
  /** Threshold and window as a sentence, so the description explains the number. */
  readonly when: string;
}

/** The description every alert carries: what it means, when it fires, where to look first. */
export function runbookText(runbook: Runbook): string {
  return `${runbook.means} Fires when ${runbook.when}. First check: ${runbook.check} See docs/operations.md.`;
}

/** The host of an `https://` base URL; a Terraform token becomes a `trimprefix` expression. */
export function hostOf(url: string): string {
  return Token.isUnresolved(url) ? Fn.trimprefix(url, "https://") : url.replace(/^https:\/\//, "");
}

/**
 * What an outside health check failing means, by what it probes: the edge's own health path
 * (`edge`), the service's health path through the edge (`edge-origin`, lib/edge/plan.ts `edgeProbes`),
 * or one origin directly (its id).
 */
export function probeMeaning(probe: string): string {
  if (probe === "edge") return "The edge fails its health path from outside: users cannot reach the service at all.";
  if (probe === "edge-origin")
    return "The service's health path through the edge fails from outside: the Worker reaches no origin that accepts the origin secret (a secret mismatch answers 403 everywhere, or every origin is down), so users get 502/504.";
  return `The ${probe} origin fails its health path from outside, even if the edge still serves users from other origins.`;
}
