/**
 * Names for GCP resources, derived from service + environment (+ project where
 * a name must be globally unique), valid for each product's rules and stable
 * across synths: no randomness, no timestamps. Over-long names are cut and end
 * in a short hash of the full name, so two long names never collide.
 */
import { createHash } from "node:crypto";
import { ConstructError } from "../contract/errors";

/** Lowercase hex SHA-256 of the parts (joined with a separator no part contains). */
export function hashOf(...parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** JSON with sorted keys: the same value always gives the same text (for fingerprints). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * A DNS-label-style name (lowercase letters, digits, hyphens; no leading,
 * trailing or doubled hyphen) of at most `max` characters. When `base` is
 * longer, it keeps the start and appends `-<6 hex>` of the full base.
 */
export function fitName(base: string, max: number): string {
  const clean = base
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (clean.length <= max) return clean;
  const head = clean.slice(0, max - 7).replace(/-+$/, "");
  return `${head}-${hashOf(clean).slice(0, 6)}`;
}

/** Product rules every derived name is checked against (tests use them too). */
export const RULES = {
  /** IAM service account id: 6-30 characters. */
  serviceAccountId: /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/,
  /** Cloud Run service (and a 2nd gen function, which is one): at most 49 characters. */
  runService: /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/,
  /** Cloud Run revision: a DNS label of at most 63 characters. */
  revision: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  /** Cloud Storage bucket (no dots, so no domain verification): 3-63 characters. */
  bucket: /^[a-z0-9](?:[-a-z0-9_]{1,61}[a-z0-9])$/,
  /** Artifact Registry repository id. */
  repository: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  /** Secret Manager secret id. */
  secretId: /^[A-Za-z0-9_-]{1,255}$/,
} as const;

export type NameKind = keyof typeof RULES;

function checked(kind: NameKind, name: string): string {
  if (!RULES[kind].test(name))
    throw new ConstructError("BPE_GCP_1", undefined, `GCP ${kind} name "${name}" breaks the ${kind} naming rules`);
  if (kind === "bucket" && (name.startsWith("goog") || name.includes("google"))) {
    throw new ConstructError(
      "BPE_GCP_2",
      undefined,
      `GCP bucket name "${name}" may not start with "goog" or contain "google"; rename the service`,
    );
  }
  return name;
}

/** What every name is built from. */
export interface NameSource {
  /** ServiceSpec.name */
  readonly service: string;
  /** ServiceSpec.environment */
  readonly environment: string;
}

const base = (src: NameSource, suffix: string): string => `${src.service}-${src.environment}-${suffix}`;

/** Service account id, e.g. `<service>-prod-run` (6-30 characters). */
export function serviceAccountId(src: NameSource, role: string): string {
  return checked("serviceAccountId", fitName(base(src, role), 30));
}

/** Cloud Run service or 2nd gen function name, e.g. `<service>-prod-fn` (at most 49 characters). */
export function runServiceName(src: NameSource, kind: "fn" | "run"): string {
  return checked("runService", fitName(base(src, kind), 49));
}

/**
 * Globally unique bucket name: readable prefix plus 8 hex of project +
 * environment + service, so two projects (or forks) never ask for the same name.
 */
export function bucketName(src: NameSource, project: string, purpose: string): string {
  const suffix = hashOf(project, src.environment, src.service).slice(0, 8);
  return checked("bucket", `${fitName(base(src, purpose), 63 - 9)}-${suffix}`);
}

/** Artifact Registry repository id, e.g. `<service>-prod`. */
export function repositoryId(src: NameSource): string {
  return checked("repository", fitName(`${src.service}-${src.environment}`, 63));
}

/** Secret Manager secret id, e.g. `<service>-prod-fn-origin-secret`. */
export function secretId(src: NameSource, purpose: string): string {
  return checked("secretId", fitName(base(src, purpose), 255));
}

/**
 * Explicit revision name: `<service>-<10 hex of the fingerprint>`. Cloud Run
 * requires the service name as prefix and refuses a known name with a
 * different template, so the fingerprint must cover everything the template
 * holds: any change gives a new name, no change keeps it.
 */
export function revisionName(service: string, fingerprint: unknown): string {
  return checked("revision", `${service}-${hashOf(stableJson(fingerprint)).slice(0, 10)}`);
}
