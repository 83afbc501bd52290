/**
 * The runtime schema of `environments/bootstrap.ts`: what the `bootstrap`
 * stack needs beyond the environments themselves (the GitLab project whose
 * pipelines the clouds trust, which environments and clouds get identities,
 * the Entra ID tenant, the GCP pool names, the bootstrap stack's own state).
 *
 * Checked like the environments: strict objects, every problem listed as
 * `bootstrap.<field.path>: ...`, then cross-checked against the validated
 * environments (an unknown environment name is an error).
 */
import { z } from "zod";
import type { CompanyConfig } from "./company";
import { allowedKeysIn, ConfigError, formatIssues } from "./errors";
import { backendSchema, CLOUDS, type Cloud, ENV_NAME, type EnvironmentConfig, UUID } from "./schema";

/** Stack id of the bootstrap stack: `cdktf deploy bootstrap`. No environment may use it. */
export const BOOTSTRAP_STACK = "bootstrap";

// Workload identity pool and provider ids: 4-32 lowercase letters, digits, hyphens; `gcp-` is reserved.
const GCP_POOL_ID = /^(?!gcp-)[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$/;
// IAM role names: 1-64 of letters, digits and + = , . @ _ -
const IAM_ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;

/** How bootstrap sets up the GitLab project named in `environments/company.ts`. */
const gitlabSettings = z.strictObject({
  /**
   * Manage protected environments (GitLab Premium or Ultimate). Off: only the
   * environments and variables are created; protect them by hand. @default true
   */
  protectedEnvironments: z.boolean().default(true),
  /**
   * Scope deploy variables to their environment (`environment_scope`). Turn off
   * on a GitLab edition where scoped variables are unavailable. @default true
   */
  environmentScopedVariables: z.boolean().default(true),
});

const environmentSettings = z.strictObject({
  /** Approvals a deployment needs (protected environments only). @default 0 */
  requiredApprovals: z.number().int().min(0, "must be 0 or more").max(5, "must be at most 5").default(0),
  /** Who may run the deploy job of a protected environment. @default "maintainer" */
  deployAccess: z.enum(["developer", "maintainer"]).default("maintainer"),
});

const awsSettings = z.strictObject({
  /**
   * Role the administrator's credentials assume in each environment's account
   * (e.g. `OrganizationAccountAccessRole`); one run then reaches every account.
   * @default - the ambient credentials, which must belong to each account in turn
   */
  adminRoleName: z.string().regex(IAM_ROLE_NAME, "must be an IAM role name").optional(),
});

const azureSettings = z.strictObject({
  /** Entra ID tenant of the subscriptions; also the value of `ARM_TENANT_ID_<ENV>`. */
  tenantId: z.string().regex(UUID, "must be a tenant id (lowercase UUID)"),
  /**
   * Plan identities trust any branch through a flexible federated identity
   * credential (`claims['sub'] matches ...`, preview). Off: an exact credential
   * for the default branch only, and merge-request plans cannot sign in to Azure.
   * @default true
   */
  flexibleCredentials: z.boolean().default(true),
});

const gcpSettings = z.strictObject({
  /** Workload identity pool id, one pool per GCP project. Deleted ids stay reserved 30 days. @default "gitlab-ci" */
  poolId: z.string().regex(GCP_POOL_ID, "must be 4-32 lowercase letters, digits or hyphens").default("gitlab-ci"),
  /** OIDC provider id in that pool. @default "gitlab" */
  providerId: z.string().regex(GCP_POOL_ID, "must be 4-32 lowercase letters, digits or hyphens").default("gitlab"),
});

export const bootstrapSchema = z.strictObject({
  /** The project itself (host, path, id, default branch) is in `environments/company.ts`. */
  gitlab: gitlabSettings.default({ protectedEnvironments: true, environmentScopedVariables: true }),
  /** Environments that get identities, a GitLab environment and CI/CD variables, by name. */
  environments: z
    .record(z.string().regex(ENV_NAME, "must be an environment name"), environmentSettings)
    .refine((envs) => Object.keys(envs).length > 0, "must list at least one environment"),
  /** Clouds to create trust on. @default - every cloud one of the listed environments enables */
  clouds: z.array(z.enum(CLOUDS)).min(1, "must enable at least one cloud").optional(),
  aws: awsSettings.default({}),
  /** Required when Azure is among the clouds. */
  azure: azureSettings.optional(),
  gcp: gcpSettings.default({ poolId: "gitlab-ci", providerId: "gitlab" }),
  /** State of the bootstrap stack itself. @default { type: "local" } (`terraform.bootstrap.tfstate`) */
  backend: backendSchema.default({ type: "local" }),
});

/** What `environments/bootstrap.ts` holds (defaults optional). */
export type BootstrapInput = z.input<typeof bootstrapSchema>;
type BootstrapParsed = z.output<typeof bootstrapSchema>;

/** One environment as the bootstrap stack sees it. */
export interface BootstrapEnvironment {
  readonly config: EnvironmentConfig;
  /** Clouds of this environment that get identities: its own clouds that bootstrap enables. */
  readonly clouds: readonly Cloud[];
  readonly requiredApprovals: number;
  readonly deployAccess: "developer" | "maintainer";
}

/** A validated bootstrap config, resolved against the environments. */
export interface BootstrapConfig {
  /** The company's GitLab project and how bootstrap sets it up. */
  readonly gitlab: CompanyConfig["gitlab"] & BootstrapParsed["gitlab"];
  /** The company settings (service name, GitLab project) the stack derives names from. */
  readonly company: CompanyConfig;
  /** In the order of `environments/index.ts`. */
  readonly environments: readonly BootstrapEnvironment[];
  readonly clouds: readonly Cloud[];
  readonly aws: BootstrapParsed["aws"];
  readonly azure?: BootstrapParsed["azure"];
  readonly gcp: BootstrapParsed["gcp"];
  readonly backend: BootstrapParsed["backend"];
}

const LABEL = BOOTSTRAP_STACK;
/** Where the bootstrap settings live, for error messages. */
export const BOOTSTRAP_FILE = "environments/bootstrap.ts";

/**
 * Every problem with `input`, or the resolved config. `environments` are the
 * validated environments; `undefined` when they did not validate, which skips
 * the cross-checks (their own problems are reported instead).
 */
export function checkBootstrap(
  input: unknown,
  environments: readonly EnvironmentConfig[] | undefined,
  company: CompanyConfig | undefined = environments?.[0]?.company,
): { readonly config?: BootstrapConfig; readonly problems: string[] } {
  const { config, problems } = checkParsed(input, environments, company);
  return { config, problems: problems.map((line) => `${BOOTSTRAP_FILE}: ${line}`) };
}

function checkParsed(
  input: unknown,
  environments: readonly EnvironmentConfig[] | undefined,
  company: CompanyConfig | undefined,
): { readonly config?: BootstrapConfig; readonly problems: string[] } {
  const result = bootstrapSchema.safeParse(input);
  if (!result.success) {
    return {
      problems: formatIssues(LABEL, result.error.issues, (path) => allowedKeysIn(bootstrapSchema, path)),
    };
  }
  if (environments === undefined || company === undefined) return { problems: [] };
  const parsed = result.data;
  const problems: string[] = [];
  const byName = new Map(environments.map((env) => [env.name, env]));
  const known = environments.map((env) => env.name).join(", ");

  if (byName.has(BOOTSTRAP_STACK)) {
    problems.push(
      `${LABEL}: the environment "${BOOTSTRAP_STACK}" (environments/${BOOTSTRAP_STACK}.ts) would share the bootstrap stack's id; rename that environment`,
    );
  }
  const selected: EnvironmentConfig[] = [];
  for (const name of Object.keys(parsed.environments)) {
    const env = byName.get(name);
    if (env === undefined) {
      problems.push(`${LABEL}.environments.${name}: is not an environment in environments/index.ts; known: ${known}`);
    }
  }
  for (const env of environments) {
    if (parsed.environments[env.name] === undefined) {
      problems.push(
        `${LABEL}.environments.${env.name}: is missing; every environment needs an entry here (\`${env.name}: {}\` at least) so CI can deploy it`,
      );
    }
  }
  // Keep the pipeline's order, whatever order the record lists them in.
  for (const env of environments) if (parsed.environments[env.name] !== undefined) selected.push(env);

  const used = new Set(selected.flatMap((env) => env.clouds));
  const clouds = parsed.clouds ?? CLOUDS.filter((cloud) => used.has(cloud));
  const seen = new Set<Cloud>();
  (parsed.clouds ?? []).forEach((cloud, index) => {
    if (seen.has(cloud)) problems.push(`${LABEL}.clouds.${index}: "${cloud}" is listed twice`);
    seen.add(cloud);
    if (selected.length > 0 && !used.has(cloud)) {
      problems.push(
        `${LABEL}.clouds.${index}: "${cloud}" is not enabled by any of the listed environments (${selected.map((e) => e.name).join(", ")})`,
      );
    }
  });
  if (clouds.includes("azure") && parsed.azure === undefined) {
    problems.push(`${LABEL}.azure: is required because Azure is among the clouds (set at least tenantId)`);
  }
  if (!parsed.gitlab.protectedEnvironments) {
    for (const [name, settings] of Object.entries(parsed.environments)) {
      if (settings.requiredApprovals > 0) {
        problems.push(
          `${LABEL}.environments.${name}.requiredApprovals: needs gitlab.protectedEnvironments (approvals belong to protected environments)`,
        );
      }
    }
  }
  if (problems.length > 0) return { problems };

  return {
    problems: [],
    config: {
      gitlab: { ...company.gitlab, ...parsed.gitlab },
      company,
      environments: selected.map((config) => ({
        config,
        clouds: config.clouds.filter((cloud) => clouds.includes(cloud)),
        requiredApprovals: parsed.environments[config.name].requiredApprovals,
        deployAccess: parsed.environments[config.name].deployAccess,
      })),
      clouds,
      aws: parsed.aws,
      azure: parsed.azure,
      gcp: parsed.gcp,
      backend: parsed.backend,
    },
  };
}

/** Validates `input` against `environments`; throws one ConfigError listing every problem. */
export function loadBootstrap(
  input: unknown,
  environments: readonly EnvironmentConfig[],
  company?: CompanyConfig,
): BootstrapConfig {
  const { config, problems } = checkBootstrap(input, environments, company);
  if (config === undefined) throw new ConfigError(problems, "bootstrap configuration");
  return config;
}
