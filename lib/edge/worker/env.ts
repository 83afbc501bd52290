/**
 * The only place the Worker reads its bindings. Keeping every `env` access
 * here lets a test compare exactly what the code reads with what Terraform
 * binds (see __tests__/edge/bindings.test.ts).
 */
import type { AnalyticsDataset } from "./analytics";
import { BINDINGS, type EdgeConfig, type EdgeOrigin } from "./contract";

/** What the Worker needs from its environment, validated. */
export interface EdgeSettings {
  readonly config: EdgeConfig;
  readonly secret: string;
  /** The Analytics Engine dataset, when bound (not in local tests without one). */
  readonly analytics?: AnalyticsDataset;
}

export type EnvResult =
  | { readonly ok: true; readonly settings: EdgeSettings }
  | { readonly ok: false; readonly problems: string[] };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

let cache: { config: unknown; secret: unknown; analytics: unknown; result: EnvResult } | undefined;

/** Reads and validates the bindings; the result is cached while the binding values are the same objects. */
export function readEnv(env: Readonly<Record<string, unknown>>): EnvResult {
  const config = env[BINDINGS.config.name];
  const secret = env[BINDINGS.originSecret.name];
  const analytics = env[BINDINGS.analytics.name];
  if (cache !== undefined && cache.config === config && cache.secret === secret && cache.analytics === analytics) {
    return cache.result;
  }
  const result = validate(config, secret, analytics);
  cache = { config, secret, analytics, result };
  return result;
}

function validate(config: unknown, secret: unknown, analytics: unknown): EnvResult {
  const problems: string[] = [];
  if (typeof secret !== "string" || secret.length === 0) {
    problems.push(`binding ${BINDINGS.originSecret.name} (${BINDINGS.originSecret.type}) is missing or empty`);
  }
  const parsed = parseConfig(config, problems);
  if (problems.length > 0 || parsed === undefined) return { ok: false, problems };
  const dataset = isDataset(analytics) ? { analytics } : {};
  return { ok: true, settings: { config: parsed, secret: secret as string, ...dataset } };
}

function isDataset(value: unknown): value is AnalyticsDataset {
  return typeof (value as { writeDataPoint?: unknown } | null)?.writeDataPoint === "function";
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
  const sampleRate = input.analyticsSampleRate;
  if (sampleRate !== undefined && (typeof sampleRate !== "number" || !(sampleRate >= 0 && sampleRate <= 1))) {
    problems.push(`${name}.analyticsSampleRate must be a number from 0 to 1`);
  }
  if (problems.length > 0) return undefined;
  return {
    origins,
    timeoutMs: timeoutMs as number,
    maxAttempts: maxAttempts as number,
    ...(stickyHeader === undefined ? {} : { stickyHeader: (stickyHeader as string).toLowerCase() }),
    ...(sampleRate === undefined ? {} : { analyticsSampleRate: sampleRate as number }),
  };
}

function parseOrigin(raw: unknown, path: string, problems: string[]): EdgeOrigin | undefined {
  if (typeof raw !== "object" || raw === null) {
    problems.push(`${path} must be an object`);
    return undefined;
  }
  const { id, url, weight } = raw as Record<string, unknown>;
  const before = problems.length;
  if (typeof id !== "string" || id.length === 0) problems.push(`${path}.id must be a non-empty string`);
  if (typeof url !== "string" || !isHttpUrl(url)) problems.push(`${path}.url must be an http(s) URL`);
  if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
    problems.push(`${path}.weight must be a number >= 0`);
  }
  if (problems.length > before) return undefined;
  return { id: id as string, url: (url as string).replace(/\/+$/, ""), weight: weight as number };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.search === "" && url.hash === "";
  } catch {
    return false;
  }
}
