/**
 * Builders for bootstrap tests, and small evaluators of the synthesized trust
 * (IAM conditions, Entra ID subjects, GCP attribute mappings) so tests can ask
 * "can this token assume that identity?" rather than compare strings.
 */
import { Testing } from "cdktf";
import { AWS_MANAGED_POLICY_TABLE } from "../../lib/aws/permissions";
import { BootstrapStack } from "../../lib/bootstrap/stack";
import { type BootstrapConfig, type BootstrapInput, loadBootstrap } from "../../lib/config/bootstrap";
import type { CompanyConfig } from "../../lib/config/company";
import { loadEnvironments } from "../../lib/config/load";
import type { Cloud, EnvironmentInput } from "../../lib/config/schema";
import { audience, type IdentityPurpose } from "../../lib/identity";
import type { Grant } from "../../lib/permissions/coverage";
import { COMPANY, environmentInput, filesOf, oncePerRun, testApp } from "../helpers/environments";
import type { TerraformJson } from "../helpers/terraform";

import { all, referenced } from "../helpers/terraform";

export { all, referenced };

/** The service name of environments/company.ts, in every resource name. */
export const SERVICE = COMPANY.service;

/** The id_token audience of `cloud`'s plan or deploy identity of an environment (lib/identity). */
export function audiencesOf(cloud: Cloud): (env: string, purpose: IdentityPurpose) => string {
  return (env, purpose) => audience(cloud, env, purpose);
}

export const PROJECT_PATH = "acme/platform/blueprint";
export const PROJECT_ID = 4242;
export const HOST = "gitlab.example.net";

/** The repository's company settings with the GitLab project above. */
export const TEST_COMPANY: CompanyConfig = {
  ...COMPANY,
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

/**
 * An environment with an AWS account, Azure subscription and GCP project of
 * its own, all numbered `n` (1 to 9): account 111111111111, subscription
 * ...000000000001, project blueprint-<name>-01 for 1.
 */
function separateEnvironment(
  name: string,
  n: number,
  patch: Partial<Record<keyof EnvironmentInput, unknown>>,
): EnvironmentInput {
  return environmentInput({
    name,
    aws: { region: "eu-west-1", accountId: String(n).repeat(12) },
    azure: { location: "westeurope", subscriptionId: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}` },
    gcp: { project: `blueprint-${name}-${String(n).padStart(2, "0")}`, region: "europe-west1" },
    ...patch,
  });
}

/** Two environments in separate accounts, subscriptions and projects, all clouds on. */
export function twoEnvironments(): EnvironmentInput[] {
  return [
    separateEnvironment("dev", 1, { deploy: { gate: "auto", tier: "development" } }),
    separateEnvironment("prod", 3, { deploy: { gate: "manual", tier: "production" }, protect: true }),
  ];
}

export function bootstrapConfig(
  environments: readonly EnvironmentInput[] = twoEnvironments(),
  input: BootstrapInput = bootstrapInput(environments.map((env) => env.name as string)),
): BootstrapConfig {
  return loadBootstrap(input, loadEnvironments(filesOf(...environments), TEST_COMPANY));
}

/** Synthesizes the bootstrap stack in memory, once per jest run for each config (a fresh parse each call). */
export function synthBootstrap(config: BootstrapConfig = bootstrapConfig()): TerraformJson {
  const synthesized = oncePerRun(`bootstrap:${JSON.stringify(config)}`, () => {
    const app = testApp();
    return Testing.synth(new BootstrapStack(app, { config }), true);
  });
  return JSON.parse(synthesized) as TerraformJson;
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
  readonly deployment_tier?: string;
  readonly environment_protected?: "true" | "false";
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

/** The OIDC providers of `host` in the stack, by the account id of their `provider` alias. */
function awsProviderAccepts(json: TerraformJson, host: string, accountId: string, aud: string): boolean {
  return all(json, "aws_iam_openid_connect_provider").some(
    (p) =>
      p.url === `https://${host}` &&
      p.provider === `aws.account-${accountId}` &&
      (p.client_id_list as string[]).includes(aud),
  );
}

/**
 * Whether `claims` can assume the AWS role named `name`: the account's OIDC
 * provider lists the token's audience, and the role's trust accepts it.
 */
export function awsRoleAccepts(json: TerraformJson, host: string, name: string, claims: Claims): boolean {
  const role = all(json, "aws_iam_role").find((r) => r.name === name);
  if (role === undefined) throw new Error(`no role ${name}`);
  const accountId = String(role.provider).replace("aws.account-", "");
  return (
    awsProviderAccepts(json, host, accountId, claims.aud) &&
    awsCanAssume(role.assume_role_policy as string, host, claims)
  );
}

/** `claims['sub'] matches '<pattern>'`, Entra ID's flexible credential language, for the one form used here. */
export function flexibleMatches(expression: string, claims: Claims): boolean {
  const match = /^claims\['sub'\] matches '([^']*)'$/.exec(expression);
  if (match === null) throw new Error(`unexpected expression ${expression}`);
  const regex = match[1].replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${regex}$`).test(sub(claims));
}

/** Display name of the application behind a credential or variable reference. */
export function applicationName(json: TerraformJson, reference: unknown): string {
  return referenced(json, reference).resource.display_name as string;
}

/** Whether `claims` of a token from `host` can sign in as the Entra ID application named `name` (any of its credentials). */
export function azureCanSignIn(json: TerraformJson, host: string, name: string, claims: Claims): boolean {
  const exact = all(json, "azuread_application_federated_identity_credential")
    .filter((c) => applicationName(json, c.application_id) === name)
    .some(
      (c) =>
        c.issuer === `https://${host}` && (c.audiences as string[]).includes(claims.aud) && c.subject === sub(claims),
    );
  const flexible = all(json, "azuread_application_flexible_federated_identity_credential")
    .filter((c) => applicationName(json, c.application_id) === name)
    .some(
      (c) =>
        c.issuer === `https://${host}` &&
        c.audience === claims.aud &&
        flexibleMatches(c.claims_matching_expression as string, claims),
    );
  return exact || flexible;
}

/** The pool provider of GCP project `project`. */
export function gcpPoolProvider(json: TerraformJson, project: string): Record<string, unknown> {
  const found = all(json, "google_iam_workload_identity_pool_provider").find((p) => p.project === project);
  if (found === undefined) throw new Error(`no pool provider in ${project}`);
  return found;
}

/**
 * The principalSet identifiers a token from `host` belongs to after the pool
 * provider of `project` accepted it, or undefined when the provider rejects it.
 */
export function gcpPrincipalsOf(
  json: TerraformJson,
  host: string,
  project: string,
  claims: Claims,
): string[] | undefined {
  const provider = gcpPoolProvider(json, project);
  const oidc = provider.oidc as { issuer_uri: string; allowed_audiences: string[] };
  if (oidc.issuer_uri !== `https://${host}` || !oidc.allowed_audiences.includes(claims.aud)) return undefined;
  if (celEval(provider.attribute_condition as string, claims) !== true) return undefined;
  const mapping = provider.attribute_mapping as Record<string, string>;
  return Object.entries(mapping)
    .filter(([key]) => key.startsWith("attribute."))
    .map(([key, expression]) => `${key}/${String(celEval(expression, claims))}`);
}

/** Whether `claims` may impersonate service account `accountId` of `project` (workloadIdentityUser bindings). */
export function gcpCanImpersonate(
  json: TerraformJson,
  host: string,
  accountId: string,
  project: string,
  claims: Claims,
): boolean {
  const principals = gcpPrincipalsOf(json, host, project, claims);
  if (principals === undefined) return false;
  return all(json, "google_service_account_iam_member")
    .filter((b) => referenced(json, b.service_account_id).resource.account_id === accountId)
    .filter((b) => referenced(json, b.service_account_id).resource.project === project)
    .filter((b) => b.role === "roles/iam.workloadIdentityUser")
    .some((binding) => {
      const match = /^principalSet:\/\/iam\.googleapis\.com\/(\$\{[^}]+\})\/(.+)$/.exec(binding.member as string);
      if (match === null) return false;
      // The binding names this project's pool.
      if (referenced(json, match[1]).resource.project !== project) return false;
      return principals.includes(match[2]);
    });
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
 * The expressions used here (`+` on strings, `==`, `&&`, `||`, `?:`, `has()`,
 * `string()`) read the same in JavaScript once `has(x)` becomes
 * `(x !== undefined)` and `string(x)` `String(x)`.
 */
export function celEval(expression: string, claims: Claims): unknown {
  const js = expression
    .replace(/has\((assertion\.[a-z_]+)\)/g, "($1 !== undefined)")
    .replace(/\bstring\((assertion\.[a-z_]+)\)/g, "String($1)");
  if (/[^\w\s."'+:=&|!?()<>/-]/.test(js)) throw new Error(`expression outside the evaluated subset: ${expression}`);
  return new Function("assertion", `return (${js});`)(claims);
}

/** CEL's `extract`: the part of `name` that `{name}` stands for in `template`, or "" when the template does not match. */
function celExtract(name: string, template: string): string {
  const [before, after] = template.split("{name}");
  const start = name.indexOf(before);
  if (start < 0) return "";
  const rest = name.slice(start + before.length);
  if (after === "") return rest;
  const end = rest.indexOf(after);
  return end < 0 ? "" : rest.slice(0, end);
}

/**
 * Whether a GCP IAM condition on resource attributes (the subset
 * `gcpNameCondition` writes: `resource.type`, `resource.name`, `extract`,
 * `startsWith`, `endsWith`, `==`, `||`) holds for a request on `resource`
 * (https://cloud.google.com/iam/docs/conditions-resource-attributes).
 */
export function gcpConditionHolds(expression: string, resource: { type: string; name: string }): boolean {
  const js = expression.replace(/resource\.name\.extract\(("[^"]*")\)/g, "extract(resource.name, $1)");
  if (/[^\w\s."'=|!(),/{}-]/.test(js)) throw new Error(`expression outside the evaluated subset: ${expression}`);
  return new Function("resource", "extract", `return (${js});`)(resource, celExtract) === true;
}

/** One IAM request: an action on a resource, with the condition keys IAM would set. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

interface IamStatement {
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function statementMatches(statement: IamStatement, request: IamRequest): boolean {
  const action = (pattern: string) => iamLike(pattern.toLowerCase(), request.action.toLowerCase());
  const actions =
    statement.NotAction !== undefined
      ? !listOf(statement.NotAction).some(action)
      : listOf(statement.Action).some(action);
  const resource = (pattern: string) => iamLike(pattern, request.resource);
  const resources =
    statement.NotResource !== undefined
      ? !listOf(statement.NotResource).some(resource)
      : listOf(statement.Resource).some(resource);
  if (!actions || !resources) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = request.context?.[key];
      if (actual === undefined) return false;
      if (operator === "StringEquals") return listOf(expected).includes(actual);
      if (operator === "StringLike") return listOf(expected).some((pattern) => iamLike(pattern, actual));
      throw new Error(`unexpected operator ${operator}`);
    }),
  );
}

/**
 * IAM's evaluation of identity policies (JSON strings) for one request: an
 * explicit Deny wins, else some Allow must match. Enough for the documents
 * bootstrap writes (Action/NotAction, Resource/NotResource, StringEquals/StringLike).
 */
export function iamAllows(documents: readonly string[], request: IamRequest): boolean {
  const statements = documents.flatMap((document) => {
    const parsed = JSON.parse(document).Statement as IamStatement | IamStatement[];
    return Array.isArray(parsed) ? parsed : [parsed];
  });
  if (statements.some((s) => s.Effect === "Deny" && statementMatches(s, request))) return false;
  return statements.some((s) => s.Effect === "Allow" && statementMatches(s, request));
}

/**
 * PowerUserAccess as AWS publishes it (every action but IAM, Organizations and
 * Account, plus a few IAM calls), as a policy document: the deploy role holds
 * it beside its own policy. Written from the one table of it (lib/aws/permissions.ts).
 */
export const AWS_POWER_USER_ACCESS = JSON.stringify({
  Version: "2012-10-17",
  Statement: (AWS_MANAGED_POLICY_TABLE["arn:aws:iam::aws:policy/PowerUserAccess"] as Grant).statements.map((s) =>
    s.except === undefined
      ? { Effect: "Allow", Action: s.allow, Resource: "*" }
      : { Effect: "Allow", NotAction: s.except, Resource: "*" },
  ),
});
