/**
 * The values both config schemas build on (company.ts and schema.ts): the
 * clouds, their origin ids, name patterns and region checks. Imports nothing
 * from either schema, so neither needs the other to know what a cloud is.
 */
import { z } from "zod";
import { AWS_REGIONS, AZURE_LOCATIONS, GCP_REGIONS, unknownRegion } from "./regions";

export const CLOUDS = ["aws", "azure", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

export const TARGET_KINDS = ["function", "container"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Origin ids the edge routes to: `<cloud>.<target>`, six in all. */
export const ORIGINS = [
  "aws.function",
  "aws.container",
  "azure.function",
  "azure.container",
  "gcp.function",
  "gcp.container",
] as const satisfies readonly `${Cloud}.${TargetKind}`[];
export type OriginId = (typeof ORIGINS)[number];

export const ENV_NAME = /^[a-z][a-z0-9-]{1,19}$/;
// RFC 1035 labels, at least two of them, lowercase; no trailing dot.
export const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const CF_ID = /^[0-9a-f]{32}$/;
/** Cloudflare zone plans: what a zone may have decides the edge's checks and alerts (lib/edge/plan.ts). */
export const CLOUDFLARE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A region of `cloud`: one of `known`, else an error that suggests the closest. */
function regionSchema(cloud: string, known: readonly string[]) {
  return z.string().superRefine((value, ctx) => {
    if (!known.includes(value)) ctx.addIssue({ code: "custom", message: unknownRegion(cloud, value, known) });
  });
}
export const awsRegion = regionSchema("AWS", AWS_REGIONS);
export const azureLocation = regionSchema("Azure", AZURE_LOCATIONS);
export const gcpRegion = regionSchema("GCP", GCP_REGIONS);
