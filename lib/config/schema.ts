/**
 * The runtime schema every `environments/<name>.ts` is checked against.
 *
 * Objects are strict: an unknown key (a typo) is an error, never silently
 * ignored. Cross-field rules (min <= max, weights summing to 100, a settings
 * block for every enabled cloud) live in `superRefine` so every problem is
 * reported at once.
 */
import { z } from "zod";
import { BODY_LIMIT } from "../../app/constants";
import type { CompanyConfig } from "./company";
import { monitoringProblems, monitoringSchema } from "./monitoring";
import {
  awsRegion,
  azureLocation,
  CF_ID,
  CLOUDFLARE_PLANS,
  CLOUDS,
  type Cloud,
  DOMAIN,
  ENV_NAME,
  gcpRegion,
  ORIGINS,
  type OriginId,
  UUID,
} from "./primitives";
import { protectedStateProblem } from "./state";

// Defined below both schemas (company.ts imports them too); re-exported so importers keep one address.
export * from "./primitives";

const awsSettings = z.strictObject({
  region: awsRegion,
  accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
  /** NAT gateways for the container VPC: 0 (tasks get public IPs), 1 (shared), or one per AZ (HA). */
  natGateways: z.enum(["none", "single", "per-az"]).default("single"),
  /** An existing ACM certificate for the ALB; when absent the stack requests one, validated through Cloudflare DNS. */
  certificateArn: z
    .string()
    .regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN")
    .optional(),
  vpcCidr: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/(16|17|18|19|20)$/, "must be an IPv4 CIDR from /16 to /20")
    .default("10.40.0.0/16"),
});

const azureSettings = z.strictObject({
  location: azureLocation,
  subscriptionId: z.string().regex(UUID, "must be a subscription id (lowercase UUID)"),
});

const gcpSettings = z.strictObject({
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a GCP project id: 6-30 lowercase letters, digits, hyphens"),
  region: gcpRegion,
  /** Grant `roles/run.invoker` to `allUsers` so the edge can reach the targets without a Google identity. */
  publicInvoker: z.boolean().default(true),
});

const cloudflareSettings = z.strictObject({
  accountId: z.string().regex(CF_ID, "must be a 32-character hex Cloudflare account id"),
  zoneId: z.string().regex(CF_ID, "must be a 32-character hex Cloudflare zone id"),
  /** The zone's plan (from the company unless the environment names its own zone). @default "free" */
  plan: z.enum(CLOUDFLARE_PLANS).default("free"),
  domain: z.string().regex(DOMAIN, "must be a lowercase DNS name such as staging.my-company.io"),
  /** The zone is shared with other teams: do not manage its TLS/HTTPS settings. */
  zoneShared: z.boolean().default(false),
  /** Raise by one to rotate the key that signs the edge's sticky cookie (the old key still verifies). */
  stickyKeyGeneration: z.number().int().min(0, "must be 0 or more").default(0),
});

/** Lambda refuses invocation payloads above 6 MiB, so no environment may promise more. */
export const MAX_BODY_BYTES_CEILING = 6 * 1024 * 1024;

const serviceSizes = z.strictObject({
  memoryMb: z.number().int().min(128, "must be at least 128").max(4096, "must be at most 4096"),
  timeoutSeconds: z.number().int().min(1, "must be at least 1").max(300, "must be at most 300"),
  minInstances: z.number().int().min(0, "must be 0 or more").max(100, "must be at most 100"),
  maxInstances: z.number().int().min(1, "must be at least 1").max(1000, "must be at most 1000"),
  logRetentionDays: z.number().int().min(1).max(3653).default(30),
  /**
   * Largest request body, in bytes, the edge and the workload accept (413 above it, before buffering).
   * At most 6 MiB: Lambda's request payload limit.
   */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024, "must be at least 1024")
    .max(MAX_BODY_BYTES_CEILING, `must be at most ${MAX_BODY_BYTES_CEILING} (Lambda's 6 MiB payload limit)`)
    .default(BODY_LIMIT.defaultBytes),
});

const weights = z.partialRecord(
  z.enum(ORIGINS),
  z.number().int().min(0, "must be 0 or more").max(100, "must be at most 100"),
);

/** Where a stack keeps its Terraform state; shared by the environments and the bootstrap stack. */
export const backendSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("local") }),
  /** GitLab-managed state: every TF_HTTP_* value comes from the environment at init. */
  z.strictObject({ type: z.literal("http") }),
  z.strictObject({
    type: z.literal("s3"),
    bucket: z.string().min(3),
    key: z.string().min(1),
    region: awsRegion,
    dynamodbTable: z.string().min(3).optional(),
  }),
  z.strictObject({
    type: z.literal("azurerm"),
    resourceGroupName: z.string().min(1),
    storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, "must be 3-24 lowercase letters and digits"),
    containerName: z.string().min(3),
    key: z.string().min(1),
  }),
  z.strictObject({ type: z.literal("gcs"), bucket: z.string().min(3), prefix: z.string().min(1) }),
]);

/**
 * An environment's backend: the shared ones, or `cloud`: state in the
 * environment's own account, created by the bootstrap stack and readable
 * only by the environment's identities (lib/config/state.ts). Protected
 * environments must use it (or their own s3/azurerm/gcs).
 */
export const environmentBackendSchema = z.discriminatedUnion("type", [
  ...backendSchema.options,
  z.strictObject({
    type: z.literal("cloud"),
    /** Which enabled cloud holds it. @default - the first of aws, gcp, azure the environment enables */
    cloud: z.enum(CLOUDS).optional(),
  }),
]);

export const environmentSchema = z
  .strictObject({
    /** Stack id and file name: `cdktf deploy <name>`. */
    name: z.string().regex(ENV_NAME, "must be 2-20 lowercase letters, digits or hyphens, starting with a letter"),
    /** Clouds that get a function and a container target. */
    clouds: z.array(z.enum(CLOUDS)).min(1, "must enable at least one cloud"),
    aws: awsSettings.optional(),
    azure: azureSettings.optional(),
    gcp: gcpSettings.optional(),
    cloudflare: cloudflareSettings,
    service: serviceSizes,
    /** Share of edge traffic per origin, in percent; enabled origins must sum to 100. */
    weights,
    /** Percent of a target's traffic sent to the canary revision/version (0 = no canary). */
    canaryPercent: z.number().int().min(0).max(50, "must be at most 50").default(0),
    /**
     * How verify:<env> judges a canary from the edge's analytics (ci/release/canary.ts, docs/releasing.md):
     * wait `bakeSeconds`, then read the new release's attempts per origin; an origin with fewer than
     * `minSamples` answers from the new release is read again until `waitSeconds` more have passed.
     */
    canaryAnalysis: z
      .strictObject({
        bakeSeconds: z
          .number()
          .int()
          .min(0, "must be 0 or more")
          .max(3600, "must be at most 3600 (an hour): a longer bake holds the pipeline and its runner")
          .default(300),
        minSamples: z
          .number()
          .int()
          .min(1, "must be at least 1: a verdict needs answers to judge")
          .max(1_000_000, "must be at most 1000000")
          .default(100),
        waitSeconds: z
          .number()
          .int()
          .min(0, "must be 0 or more")
          .max(3600, "must be at most 3600 (an hour)")
          .default(600),
      })
      .prefault({}),
    /**
     * Image a fresh clone (no pipeline release) deploys: registry/repo:tag or @digest, from company.ts
     * unless the environment overrides it. A pipeline release deploys its own image by digest.
     */
    containerImage: z.string().min(1),
    backend: environmentBackendSchema,
    deploy: z.strictObject({
      gate: z.enum(["auto", "manual"]),
      /** Deployment tier shown by GitLab environments. */
      tier: z.enum(["development", "testing", "staging", "production", "other"]),
    }),
    /** Production protections: prevent_destroy on stateful resources, deletion protection where it exists. */
    protect: z.boolean().default(false),
    /** Objectives, alert routing and silencing (lib/config/monitoring.ts, docs/operations.md). */
    monitoring: monitoringSchema,
  })
  .superRefine((env, ctx) => {
    const seen = new Set<string>();
    env.clouds.forEach((cloud, i) => {
      if (seen.has(cloud)) ctx.addIssue({ code: "custom", path: ["clouds", i], message: `"${cloud}" is listed twice` });
      seen.add(cloud);
      if (env[cloud] === undefined) {
        ctx.addIssue({ code: "custom", path: [cloud], message: `is required because "${cloud}" is in clouds` });
      }
    });
    if (env.protect && (env.backend.type === "http" || env.backend.type === "local")) {
      ctx.addIssue({
        code: "custom",
        path: ["backend", "type"],
        message: protectedStateProblem(env.backend.type, env.clouds),
      });
    }
    if (env.backend.type === "cloud" && env.backend.cloud !== undefined && !env.clouds.includes(env.backend.cloud)) {
      ctx.addIssue({
        code: "custom",
        path: ["backend", "cloud"],
        message: `is "${env.backend.cloud}", a cloud the environment does not enable; pick one of ${env.clouds.join(", ")} or leave it out`,
      });
    }
    if (env.service.minInstances > env.service.maxInstances) {
      ctx.addIssue({
        code: "custom",
        path: ["service", "minInstances"],
        message: `is ${env.service.minInstances}, greater than maxInstances (${env.service.maxInstances})`,
      });
    }
    const latency = monitoringProblems(env.monitoring, env.service.timeoutSeconds);
    if (latency !== undefined) ctx.addIssue({ code: "custom", path: ["monitoring", "latencyP99Ms"], message: latency });
    const enabled = ORIGINS.filter((origin) => env.clouds.includes(origin.split(".")[0] as Cloud));
    for (const origin of Object.keys(env.weights) as OriginId[]) {
      if (!enabled.includes(origin)) {
        ctx.addIssue({
          code: "custom",
          path: ["weights", origin],
          message: `routes to a cloud that is not enabled; allowed origins: ${enabled.join(", ")}`,
        });
      }
    }
    const total = enabled.reduce((sum, origin) => sum + (env.weights[origin] ?? 0), 0);
    if (total !== 100) {
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: `sum to ${total}; the weights of enabled origins (${enabled.join(", ")}) must sum to 100`,
      });
    }
  });

export type BackendConfig = z.output<typeof backendSchema>;
/** An environment's Cloudflare block (account, zone, domain, plan...): what the edge and the relay take. */
export type CloudflareSettings = z.output<typeof cloudflareSettings>;
export type EnvironmentBackendConfig = z.output<typeof environmentBackendSchema>;

type Resolved = z.input<typeof environmentSchema>;
type WithOptional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/**
 * What an `environments/<name>.ts` file holds: only what differs from
 * `environments/company.ts` (clouds, regions, Cloudflare account/zone/domain,
 * weights and image default to the company's; see `withCompanyDefaults`).
 */
export type EnvironmentInput = WithOptional<
  Omit<Resolved, Cloud | "cloudflare">,
  "clouds" | "weights" | "containerImage" | "monitoring"
> & {
  readonly aws?: WithOptional<NonNullable<Resolved["aws"]>, "region">;
  readonly azure?: WithOptional<NonNullable<Resolved["azure"]>, "location">;
  readonly gcp?: WithOptional<NonNullable<Resolved["gcp"]>, "region">;
  readonly cloudflare?: Partial<NonNullable<Resolved["cloudflare"]>>;
};

/** A validated environment with every default filled in, and the company settings it derives names from. */
export type EnvironmentConfig = z.output<typeof environmentSchema> & { readonly company: CompanyConfig };
