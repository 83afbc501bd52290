/**
 * The only place the Worker reads its bindings. Keeping every `env` access
 * here lets a test compare exactly what the code reads with what Terraform
 * binds (see __tests__/edge/bindings.test.ts).
 */
import { originSecretProblem } from "../../../app/origin-secret";
import type { AnalyticsDataset } from "./analytics";
import { BINDINGS, type EdgeConfig, type EdgeOrigin, type EdgeRelease } from "./contract";

/** What the Worker needs from its environment, validated. */
export interface EdgeSettings {
  readonly config: EdgeConfig;
  readonly secret: string;
  /** Sticky cookie keys, current first, then the previous one when bound. */
  readonly stickyKeys: readonly string[];
  /** The Analytics Engine dataset, when bound (not in local tests without one). */
  readonly analytics?: AnalyticsDataset;
}

export type EnvResult =
  | { readonly ok: true; readonly settings: EdgeSettings }
  | { readonly ok: false; readonly problems: string[] };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const HOST = /^[a-z0-9.-]+(:[0-9]{1,5})?$/;

type Bound = { readonly [K in keyof typeof BINDINGS]: unknown };

let cache: { bound: Bound; result: EnvResult } | undefined;

/**
 * Reads and validates the bindings; the result is cached while the binding
 * values are the same objects. A new invalid result is logged once, with the
 * problems (never values): the public health check only says "unavailable".
 */
export function readEnv(env: Readonly<Record<string, unknown>>): EnvResult {
  const bound = Object.fromEntries(
    (Object.keys(BINDINGS) as (keyof typeof BINDINGS)[]).map((key) => [key, env[BINDINGS[key].name]]),
  ) as Bound;
  const keys = Object.keys(bound) as (keyof Bound)[];
  if (cache !== undefined && keys.every((key) => cache?.bound[key] === bound[key])) return cache.result;
  const result = validate(bound);
  if (!result.ok) console.error(JSON.stringify({ message: "edge misconfigured", problems: result.problems }));
  cache = { bound, result };
  return result;
}

function validate(bound: Bound): EnvResult {
  const problems: string[] = [];
  const secret = requiredSecret(bound.originSecret, BINDINGS.originSecret, problems);
  const stickyKey = requiredSecret(bound.stickyKey, BINDINGS.stickyKey, problems);
  const previous = bound.stickyKeyPrevious;
  if (previous !== undefined && typeof previous !== "string") {
    problems.push(`binding ${BINDINGS.stickyKeyPrevious.name} (${BINDINGS.stickyKeyPrevious.type}) must be a string`);
  }
  const parsed = parseConfig(bound.config, problems);
  if (problems.length > 0 || parsed === undefined) return { ok: false, problems };
  const stickyKeys = [stickyKey as string, ...(typeof previous === "string" && previous !== "" ? [previous] : [])];
  const analytics = isDataset(bound.analytics) ? { analytics: bound.analytics } : {};
  return { ok: true, settings: { config: parsed, secret: secret as string, stickyKeys, ...analytics } };
}

/** The Analytics Engine binding is optional: without it (local runs) nothing is recorded. */
function isDataset(value: unknown): value is AnalyticsDataset {
  return typeof (value as { writeDataPoint?: unknown } | null)?.writeDataPoint === "function";
}

/** Sticky keys shorter than this are refused: the signature is only as strong as the key. */
const MIN_KEY_LENGTH = 32;

function requiredSecret(
  value: unknown,
  binding: { readonly name: string; readonly type: string },
  problems: string[],
): string | undefined {
  if (typeof value !== "string" || value.length === 0) {
    problems.push(`binding ${binding.name} (${binding.type}) is missing or empty`);
    return undefined;
  }
  if (binding.name === BINDINGS.originSecret.name) {
    // The origins refuse a short or unresolved secret (503): fail here too rather than send it.
    const problem = originSecretProblem(value);
    if (problem !== undefined) problems.push(`binding ${binding.name}: ${problem}`);
  }
  if (binding.name === BINDINGS.stickyKey.name && value.length < MIN_KEY_LENGTH) {
    problems.push(`binding ${binding.name} must be at least ${MIN_KEY_LENGTH} characters`);
  }
  return value;
}

function parseConfig(raw: unknown, problems: string[]): EdgeConfig | undefined {
  const name = BINDINGS.config.name;
  if (typeof raw !== "object" || raw === null) {
    problems.push(`binding ${name} (${BINDINGS.config.type}) is missing or not an object`);
    return undefined;
  }
  const input = raw as Record<string, unknown>;
  const origins: EdgeOrigin[] = [];
  if (!Array.isArray(input.origins)) {
    problems.push(`${name}.origins must be an array`);
  } else {
    const seen = new Set<string>();
    input.origins.forEach((item: unknown, i: number) => {
      const origin = parseOrigin(item, `${name}.origins[${i}]`, problems);
      if (origin === undefined) return;
      if (seen.has(origin.id)) problems.push(`${name}.origins[${i}].id "${origin.id}" is listed twice`);
      seen.add(origin.id);
      origins.push(origin);
    });
  }
  const timeoutMs = input.timeoutMs;
  if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs < 1) {
    problems.push(`${name}.timeoutMs must be a positive integer`);
  }
  const maxAttempts = input.maxAttempts;
  if (typeof maxAttempts !== "number" || !Number.isInteger(maxAttempts) || maxAttempts < 1) {
    problems.push(`${name}.maxAttempts must be a positive integer`);
  }
  const stickyHeader = input.stickyHeader;
  if (stickyHeader !== undefined && (typeof stickyHeader !== "string" || !HEADER_NAME.test(stickyHeader))) {
    problems.push(`${name}.stickyHeader must be a header name`);
  }
  const maxBodyBytes = positiveInteger(input.maxBodyBytes, `${name}.maxBodyBytes`, problems);
  const deadlineMs = positiveInteger(input.deadlineMs, `${name}.deadlineMs`, problems);
  const publicHost = input.publicHost;
  if (typeof publicHost !== "string" || !HOST.test(publicHost)) {
    problems.push(`${name}.publicHost must be a hostname`);
  }
  const sampleRate = input.analyticsSampleRate;
  if (sampleRate !== undefined && (typeof sampleRate !== "number" || !(sampleRate >= 0 && sampleRate <= 1))) {
    problems.push(`${name}.analyticsSampleRate must be a number from 0 to 1`);
  }
  const debugHeaders = input.debugHeaders;
  if (debugHeaders !== undefined && typeof debugHeaders !== "boolean") {
    problems.push(`${name}.debugHeaders must be true or false`);
  }
  const release = parseRelease(input.release, `${name}.release`, problems);
  if (problems.length > 0) return undefined;
  return {
    origins,
    timeoutMs: timeoutMs as number,
    maxAttempts: maxAttempts as number,
    maxBodyBytes: maxBodyBytes as number,
    deadlineMs: deadlineMs as number,
    publicHost: publicHost as string,
    ...(stickyHeader === undefined ? {} : { stickyHeader: (stickyHeader as string).toLowerCase() }),
    ...(sampleRate === undefined ? {} : { analyticsSampleRate: sampleRate as number }),
    ...(debugHeaders === true ? { debugHeaders: true } : {}),
    ...(release === undefined ? {} : { release }),
  };
}

const RELEASE_ID = /^[0-9A-Za-z._-]{1,64}$/;

/** The optional release tag of the data points (contract.ts EdgeRelease). */
function parseRelease(raw: unknown, path: string, problems: string[]): EdgeRelease | undefined {
  if (raw === undefined) return undefined;
  const { id, step } = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof id !== "string" || !RELEASE_ID.test(id)) problems.push(`${path}.id must be 1-64 of 0-9 A-Z a-z . _ -`);
  if (typeof step !== "string" || !/^[a-z]{1,16}$/.test(step)) problems.push(`${path}.step must be a step name`);
  return { id: id as string, step: step as string };
}

function positiveInteger(value: unknown, path: string, problems: string[]): number | undefined {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    problems.push(`${path} must be a positive integer`);
    return undefined;
  }
  return value;
}

function parseOrigin(raw: unknown, path: string, problems: string[]): EdgeOrigin | undefined {
  if (typeof raw !== "object" || raw === null) {
    problems.push(`${path} must be an object`);
    return undefined;
  }
  const { id, url, weight, releaseShare } = raw as Record<string, unknown>;
  const before = problems.length;
  if (releaseShare !== undefined && (typeof releaseShare !== "number" || !(releaseShare >= 0 && releaseShare <= 1))) {
    problems.push(`${path}.releaseShare must be a number from 0 to 1`);
  }
  if (typeof id !== "string" || id.length === 0) problems.push(`${path}.id must be a non-empty string`);
  if (typeof url !== "string" || !isHttpUrl(url)) problems.push(`${path}.url must be an http(s) URL`);
  if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
    problems.push(`${path}.weight must be a number >= 0`);
  }
  if (problems.length > before) return undefined;
  return {
    id: id as string,
    url: (url as string).replace(/\/+$/, ""),
    weight: weight as number,
    ...(releaseShare === undefined ? {} : { releaseShare: releaseShare as number }),
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.search === "" && url.hash === "";
  } catch {
    return false;
  }
}
