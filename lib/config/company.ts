/**
 * The runtime schema of `environments/company.ts`: everything company-wide
 * (service name, GitLab project, root domain, Cloudflare account and zone,
 * default image, clouds, regions, traffic shares, tags). Environment files
 * hold only what differs; `withCompanyDefaults` fills the rest in before an
 * environment is validated, so every stack derives its names from here.
 */
import { z } from "zod";
import { allowedKeysIn, ConfigError, formatIssues } from "./errors";
import { companyMonitoringSchema } from "./monitoring";
import {
  awsRegion,
  azureLocation,
  CF_ID,
  CLOUDFLARE_PLANS,
  CLOUDS,
  type Cloud,
  DOMAIN,
  gcpRegion,
  ORIGINS,
  type OriginId,
} from "./primitives";

/** Where the company settings live, for error messages. */
export const COMPANY_FILE = "environments/company.ts";

/** Service names: in every resource name, so short and DNS-safe. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;
// A DNS name without scheme, port or path: the id_token issuer is `https://<host>`.
const HOST = DOMAIN;
// group[/subgroup...]/project: GitLab path segments, never `*`, `?`, `:` or `$` (they would widen or break a trust).
const PROJECT_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/;
// A plain branch name: no wildcard, no `:` (sub separator), no `$` (IAM policy variable), no `..`, no leading/trailing `/`.
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*\/$)(?!.*\.lock$)[A-Za-z0-9._/-]{1,100}$/;
// Keys every cloud accepts: GCP label keys are the strictest (lowercase, start with a letter, 63 at most).
const TAG_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

/** Tag keys the stacks set themselves (lib/policy/tags.ts); company tags may not replace them. */
export const RESERVED_TAG_KEYS = ["environment", "service", "managed-by", "repository"] as const;

export const gitlabProjectSchema = z.strictObject({
  /** GitLab host; the id_token issuer is `https://<host>`, the API `https://<host>/api/v4`. */
  host: z.string().regex(HOST, "must be a lowercase host name such as gitlab.com (no scheme, port or path)"),
  /** Full path of the project whose pipelines deploy: `group/subgroup/project`. */
  projectPath: z
    .string()
    .regex(PROJECT_PATH, "must be the project's full path, e.g. my-group/multicloud-blueprint (no wildcards)"),
  /**
   * The project's numeric id (Settings > General). GitLab-managed state lives
   * under it, and GCP trusts it: unlike the path, it survives a rename.
   */
  projectId: z.number().int().positive("must be the project's numeric id"),
  /** The protected default branch deploy jobs run on. @default "main" */
  defaultBranch: z.string().regex(BRANCH, "must be a plain branch name (no wildcards, no `:` or `$`)").default("main"),
});

export const companySchema = z.strictObject({
  /** Short name of the service, in every resource name: 3-16 lowercase letters, digits or hyphens. */
  service: z.string().regex(SERVICE_NAME, "must be 3-16 lowercase letters, digits or hyphens, starting with a letter"),
  gitlab: gitlabProjectSchema,
  /** Root domain: prod (tier `production`) serves on it, every other environment on `<env>.<domain>`. */
  domain: z.string().regex(DOMAIN, "must be a lowercase DNS name such as my-company.io"),
  /** Cloudflare account and the zone of `domain`; an environment may name others. */
  cloudflare: z.strictObject({
    accountId: z.string().regex(CF_ID, "must be a 32-character hex Cloudflare account id"),
    zoneId: z.string().regex(CF_ID, "must be a 32-character hex Cloudflare zone id"),
    /**
     * The zone's plan: decides which Cloudflare health checks and alerts are created (docs/operations.md).
     * @default "free" - every plan can apply it; each cloud probes its own origins
     */
    plan: z.enum(CLOUDFLARE_PLANS).default("free"),
  }),
  /** Image deployed when no pipeline release names one (a fresh clone; a release deploys its own digest). */
  containerImage: z.string().min(1, "must name an image such as ghcr.io/my-group/my-service:1.0.0"),
  /** Clouds an environment enables unless its file says otherwise. */
  clouds: z.array(z.enum(CLOUDS)).min(1, "must enable at least one cloud"),
  /**
   * Region (Azure: location) per cloud, unless an environment names its own.
   * Only the clouds in use need one: each of `clouds` (checked here), and a
   * cloud an environment enables on its own unless that file names its region.
   */
  regions: z.strictObject({
    aws: awsRegion.optional(),
    azure: azureLocation.optional(),
    gcp: gcpRegion.optional(),
  }),
  /**
   * Relative share of edge traffic per origin. Each environment gets the
   * shares of its enabled origins scaled to 100, unless it sets `weights`.
   * @default - an equal share for every origin
   */
  weights: z
    .partialRecord(z.enum(ORIGINS), z.number().int().min(0, "must be 0 or more").max(100, "must be at most 100"))
    .optional(),
  /**
   * Objectives and who is told, for every environment that does not set its own
   * (lib/config/monitoring.ts, docs/operations.md).
   * @default - none: each environment sets `monitoring`
   */
  monitoring: companyMonitoringSchema.optional(),
  /** Extra tags (GCP: labels) every resource carries, e.g. `{ team: "payments" }`. @default {} */
  tags: z
    .record(z.string().regex(TAG_KEY, "must be a lowercase tag key (letters, digits, _ or -)"), z.string().max(63))
    .default({}),
});

/** What `environments/company.ts` holds (defaults optional). */
export type CompanyInput = z.input<typeof companySchema>;
/** The validated company settings. */
export type CompanyConfig = z.output<typeof companySchema>;

/** Every problem with the company settings (one line each, file and field named), or the config. */
export function checkCompany(input: unknown): { readonly config?: CompanyConfig; readonly problems: string[] } {
  const result = companySchema.safeParse(input);
  if (!result.success) {
    const problems = formatIssues("company", result.error.issues, (path) => allowedKeysIn(companySchema, path));
    return { problems: problems.map((line) => `${COMPANY_FILE}: ${line}`) };
  }
  const problems = Object.keys(result.data.tags)
    .filter((key) => (RESERVED_TAG_KEYS as readonly string[]).includes(key))
    .map((key) => `${COMPANY_FILE}: company.tags.${key}: is set by every stack itself; choose another key`);
  for (const cloud of result.data.clouds) {
    if (result.data.regions[cloud] === undefined) {
      problems.push(
        `${COMPANY_FILE}: company.regions.${cloud}: is required: ${cloud} is in company.clouds (lib/config/regions.ts lists the regions)`,
      );
    }
  }
  return problems.length > 0 ? { problems } : { config: result.data, problems };
}

/** Validates `environments/company.ts`; throws one ConfigError listing every problem. */
export function loadCompany(input: unknown): CompanyConfig {
  const { config, problems } = checkCompany(input);
  if (config === undefined) throw new ConfigError(problems, "company settings");
  return config;
}

/** `group/project` on `host`, as the `repository` tag shows it. */
export function repositoryOf(company: CompanyConfig): string {
  return `${company.gitlab.host}/${company.gitlab.projectPath}`;
}

/** The domain of an environment that does not name one: the root for production, `<env>.<root>` otherwise. */
export function defaultDomain(company: CompanyConfig, name: string, tier: unknown): string {
  return tier === "production" ? company.domain : `${name}.${company.domain}`;
}

/**
 * The host an environment is served on: the edge Worker's custom domain,
 * `api.<domain>` (lib/edge binds it; GitLab environment URLs point at it).
 */
export function edgeHostname(domain: string): string {
  return `api.${domain}`;
}

/**
 * `shares` of the `enabled` origins scaled to integers summing to 100 (largest
 * remainder, ties in ORIGINS order), so turning a cloud off keeps the others'
 * proportions. All shares 0 (or none given) means equal shares.
 */
export function scaleWeights(
  shares: Partial<Record<OriginId, number>> | undefined,
  enabled: readonly OriginId[],
): Partial<Record<OriginId, number>> {
  if (enabled.length === 0) return {};
  const raw = enabled.map((origin) => shares?.[origin] ?? (shares === undefined ? 1 : 0));
  const total = raw.reduce((sum, share) => sum + share, 0);
  const exact = raw.map((share) => (total === 0 ? 100 / enabled.length : (share * 100) / total));
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((sum, n) => sum + n, 0);
  const order = exact.map((value, i) => ({ i, rest: value - floors[i] })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    floors[i] += 1;
    left -= 1;
  }
  return Object.fromEntries(enabled.map((origin, i) => [origin, floors[i]]));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const REGION_FIELD: Record<Cloud, "region" | "location"> = { aws: "region", azure: "location", gcp: "region" };

/**
 * One environment file's input with the company-wide values filled in where
 * the file leaves them out: clouds, each enabled cloud's region, Cloudflare
 * account/zone/domain, traffic weights, container image, monitoring. Values of the wrong
 * type are left for the schema to report.
 */
export function withCompanyDefaults(input: unknown, company: CompanyConfig): unknown {
  if (!isObject(input)) return input;
  const env: Record<string, unknown> = { ...input };
  env.clouds ??= [...company.clouds];
  const enabled = Array.isArray(env.clouds) ? (env.clouds as unknown[]) : CLOUDS;
  for (const cloud of CLOUDS) {
    const block = env[cloud];
    // The settings of a cloud that is off are ignored (docs/forking.md): a fork that turns one off leaves them be.
    if (!enabled.includes(cloud)) delete env[cloud];
    // A cloud without a company region keeps the file's own (the schema names it when missing).
    else if (isObject(block) && company.regions[cloud] !== undefined) {
      env[cloud] = { [REGION_FIELD[cloud]]: company.regions[cloud], ...block };
    }
  }
  const cloudflare = env.cloudflare ?? {};
  if (isObject(cloudflare)) {
    const deploy = isObject(env.deploy) ? env.deploy : {};
    const domain = cloudflare.domain ?? defaultDomain(company, String(env.name), deploy.tier);
    env.cloudflare = {
      accountId: company.cloudflare.accountId,
      zoneId: company.cloudflare.zoneId,
      plan: company.cloudflare.plan,
      // Only the root's own environment manages the zone's TLS settings; the others share the zone.
      zoneShared: domain !== company.domain,
      ...cloudflare,
      domain,
    };
  }
  if (env.weights === undefined && Array.isArray(env.clouds)) {
    const clouds = env.clouds as unknown[];
    const enabled = ORIGINS.filter((origin) => clouds.includes(origin.split(".")[0]));
    env.weights = scaleWeights(company.weights, enabled);
  }
  env.containerImage ??= company.containerImage;
  if (company.monitoring !== undefined) {
    // notify merges one level deeper: an environment adds a webhook without repeating the e-mails.
    const own = env.monitoring;
    env.monitoring = isObject(own)
      ? {
          ...company.monitoring,
          ...own,
          ...(isObject(own.notify) ? { notify: { ...company.monitoring.notify, ...own.notify } } : {}),
        }
      : (own ?? { ...company.monitoring });
  }
  return env;
}
