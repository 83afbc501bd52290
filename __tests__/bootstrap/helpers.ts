/**
 * Builders for bootstrap tests, and small evaluators of the synthesized trust
 * (IAM conditions, Entra ID subjects, GCP attribute mappings) so tests can ask
 * "can this token assume that identity?" rather than compare strings.
 */
import { type App, Testing } from "cdktf";
import { BootstrapStack } from "../../lib/bootstrap/stack";
import { type BootstrapConfig, type BootstrapInput, loadBootstrap } from "../../lib/config/bootstrap";
import type { CompanyConfig } from "../../lib/config/company";
import { loadEnvironments } from "../../lib/config/load";
import type { EnvironmentInput } from "../../lib/config/schema";
import { COMPANY, environmentInput, FIXTURE_SERVICE, filesOf } from "../helpers/environments";
import type { TerraformJson } from "../helpers/terraform";

export { all, referenced } from "../helpers/terraform";

export const PROJECT_PATH = "acme/platform/blueprint";
export const PROJECT_ID = 4242;
export const HOST = "gitlab.example.net";

/** The repository's company settings with the fixture service and the GitLab project above. */
export const TEST_COMPANY: CompanyConfig = {
  ...COMPANY,
  service: FIXTURE_SERVICE.name,
  gitlab: { host: HOST, projectPath: PROJECT_PATH, projectId: PROJECT_ID, defaultBranch: "main" },
};

/** A valid bootstrap input for `names`; `patch` replaces top-level fields. */
export function bootstrapInput(
  names: readonly string[] = ["dev", "prod"],
  patch: Partial<Record<keyof BootstrapInput, unknown>> = {},
): BootstrapInput {
  return {
    environments: Object.fromEntries(names.map((name) => [name, name === "prod" ? { requiredApprovals: 1 } : {}])),
    azure: { tenantId: "00000000-0000-0000-0000-0000000000aa" },
    ...(patch as Partial<BootstrapInput>),
  };
}

/** Two environments in separate accounts, subscriptions and projects, all clouds on. */
export function twoEnvironments(): EnvironmentInput[] {
  return [
    environmentInput({
      name: "dev",
      aws: { region: "eu-west-1", accountId: "111111111111" },
      azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-000000000001" },
      gcp: { project: "blueprint-dev-01", region: "europe-west1" },
      deploy: { gate: "auto", tier: "development" },
    }),
    environmentInput({
      name: "prod",
      aws: { region: "eu-west-1", accountId: "333333333333" },
      azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-000000000003" },
      gcp: { project: "blueprint-prod-03", region: "europe-west1" },
      deploy: { gate: "manual", tier: "production" },
      protect: true,
    }),
  ];
}

export function bootstrapConfig(
  environments: readonly EnvironmentInput[] = twoEnvironments(),
  input: BootstrapInput = bootstrapInput(environments.map((env) => env.name as string)),
): BootstrapConfig {
  return loadBootstrap(input, loadEnvironments(filesOf(...environments), TEST_COMPANY));
}

/** Synthesizes the bootstrap stack in memory. */
export function synthBootstrap(config: BootstrapConfig = bootstrapConfig()): TerraformJson {
  const app = Testing.app() as App;
  const stack = new BootstrapStack(app, { config });
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

/** The claims of a GitLab id_token as they matter here. */
export interface Claims {
  readonly aud: string;
  readonly project_path: string;
  readonly project_id: string;
  readonly ref_type: "branch" | "tag";
  readonly ref: string;
  readonly ref_protected: "true" | "false";
  readonly environment?: string;
  readonly job_id?: string;
}

/** GitLab's sub claim for `claims` (default format). */
export function sub(claims: Claims): string {
  return `project_path:${claims.project_path}:ref_type:${claims.ref_type}:ref:${claims.ref}`;
}

/** A token of this project; `patch` changes claims (e.g. another branch or project). */
export function token(aud: string, patch: Partial<Claims> = {}): Claims {
  return {
    aud,
    project_path: PROJECT_PATH,
    project_id: String(PROJECT_ID),
    ref_type: "branch",
    ref: "main",
    ref_protected: "true",
    job_id: "987654",
    ...patch,
  };
}

/** IAM's `StringLike`: `*` any run of characters, `?` one character, everything else literal. */
export function iamLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "s").test(value);
}

/**
 * Whether an AWS role trust policy lets `claims` assume the role through the
 * OIDC provider of `host` (Allow statements, StringEquals/StringLike on aud and sub).
 */
export function awsCanAssume(policyJson: string, host: string, claims: Claims): boolean {
  const policy = JSON.parse(policyJson) as {
    Statement: {
      Effect: string;
      Action: string;
      Principal: { Federated?: string };
      Condition: Record<string, Record<string, string | string[]>>;
    }[];
  };
  const context: Record<string, string> = { [`${host}:aud`]: claims.aud, [`${host}:sub`]: sub(claims) };
  return policy.Statement.some((statement) => {
    if (statement.Effect !== "Allow" || statement.Action !== "sts:AssumeRoleWithWebIdentity") return false;
    if (!statement.Principal.Federated?.endsWith(`:oidc-provider/${host}`)) return false;
    return Object.entries(statement.Condition).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const values = Array.isArray(expected) ? expected : [expected];
        const actual = context[key];
        if (actual === undefined) return false;
        if (operator === "StringEquals") return values.includes(actual);
        if (operator === "StringLike") return values.some((pattern) => iamLike(pattern, actual));
        throw new Error(`unexpected operator ${operator}`);
      }),
    );
  });
}

/**
 * Evaluates a GCP attribute mapping or condition expression against a token.
 * The expressions used here (`+` on strings, `==`, `&&`, `?:`, `has()`) read
 * the same in JavaScript once `has(x)` becomes `(x !== undefined)`.
 */
export function celEval(expression: string, claims: Claims): unknown {
  const js = expression.replace(/has\((assertion\.[a-z_]+)\)/g, "($1 !== undefined)");
  if (/[^\w\s."'+:=&|!?()<>/-]/.test(js)) throw new Error(`expression outside the evaluated subset: ${expression}`);
  return new Function("assertion", `return (${js});`)(claims);
}
