/**
 * AWS resource names derived from service + environment. Each AWS product has
 * its own rule (ALB and target group 32 characters, IAM role 64, S3 bucket
 * 3-63 and globally unique...), so every name goes through `awsName`: lowercase
 * letters, digits and hyphens, cut to the product's limit with a stable hash
 * suffix when too long. Same inputs, same name, on every synth.
 */
import { createHash } from "node:crypto";
import type { ServiceSpec } from "../service";

/** Length limits of the names this folder creates, from each product's API reference. */
export const NAME_LIMITS = {
  lambdaFunction: 64,
  iamRole: 64,
  loadBalancer: 32,
  targetGroup: 32,
  s3Bucket: 63,
  ecrRepository: 256,
  ecsCluster: 255,
  securityGroup: 255,
  httpApi: 128,
} as const;

const HASH_LENGTH = 6;

/** First `length` hex characters of the SHA-256 of `text`. */
export function shortHash(text: string, length: number = HASH_LENGTH): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Joins `parts` with hyphens into a name of at most `maxLength` characters:
 * lowercase letters, digits and single hyphens, never starting or ending with
 * a hyphen. A name over the limit keeps its beginning and ends with a hash of
 * the whole name, so two long names never collide.
 */
export function awsName(parts: readonly string[], maxLength: number): string {
  const full = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (full.length <= maxLength) return full;
  const hash = shortHash(full);
  const head = full.slice(0, maxLength - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}

/**
 * A globally unique name (S3 buckets): `parts` plus a hash of the account and
 * region, so the same service and environment in another account or region
 * gets another name, and the same one always gets the same name.
 */
export function globallyUniqueName(
  parts: readonly string[],
  scope: { readonly accountId: string; readonly region: string },
  maxLength: number,
): string {
  const suffix = shortHash(`${scope.accountId}/${scope.region}/${parts.join("/")}`, 8);
  const head = awsName(parts, maxLength - suffix.length - 1);
  return `${head}-${suffix}`;
}

/** `<service>-<environment>`, the stem of every name in this folder. */
export function baseName(spec: Pick<ServiceSpec, "name" | "environment">): string {
  return `${spec.name}-${spec.environment}`;
}
