import { ID_TOKENS } from "../../ci/identity";
import { GCP_GRANTABLE_ROLES } from "../../lib/bootstrap/gcp";
import { all, type Claims, celEval, HOST, PROJECT_ID, referenced, synthBootstrap, token } from "./helpers";

const aud = ID_TOKENS.gcp.audience;
const json = synthBootstrap();

/** The pool provider of GCP project `project`. */
function poolProvider(project: string): Record<string, unknown> {
  const found = all(json, "google_iam_workload_identity_pool_provider").find((p) => p.project === project);
  if (found === undefined) throw new Error(`no pool provider in ${project}`);
  return found;
}

/**
 * The principalSet identifiers a token belongs to after the provider of
 * `project` accepted it, or undefined when the provider rejects it.
 */
function principalsOf(project: string, claims: Claims): string[] | undefined {
  const provider = poolProvider(project);
  const oidc = provider.oidc as { issuer_uri: string; allowed_audiences: string[] };
  if (oidc.issuer_uri !== `https://${HOST}` || !oidc.allowed_audiences.includes(claims.aud)) return undefined;
  if (celEval(provider.attribute_condition as string, claims) !== true) return undefined;
  const mapping = provider.attribute_mapping as Record<string, string>;
  return Object.entries(mapping)
    .filter(([key]) => key.startsWith("attribute."))
    .map(([key, expression]) => `${key}/${String(celEval(expression, claims))}`);
}

/** Whether `claims` may impersonate service account `accountId` of `project` (workloadIdentityUser bindings). */
function canImpersonate(accountId: string, project: string, claims: Claims): boolean {
  const principals = principalsOf(project, claims);
  if (principals === undefined) return false;
  return all(json, "google_service_account_iam_member")
    .filter((b) => referenced(json, b.service_account_id).resource.account_id === accountId)
    .filter((b) => b.role === "roles/iam.workloadIdentityUser")
    .some((binding) => {
      const match = /^principalSet:\/\/iam\.googleapis\.com\/(\$\{[^}]+\})\/(.+)$/.exec(binding.member as string);
      if (match === null) return false;
      // The binding names this project's pool.
      if (referenced(json, match[1]).resource.project !== project) return false;
      return principals.includes(match[2]);
    });
}

const deployToken = (environment: string, patch: Partial<Claims> = {}) => token(aud, { environment, ...patch });

describe("bootstrap on GCP", () => {
  it("creates one pool and provider per project, for the GitLab issuer and the pipeline's GCP audience", () => {
    const providers = all(json, "google_iam_workload_identity_pool_provider");
    expect(providers.map((p) => p.project).sort()).toEqual(["blueprint-dev-01", "blueprint-prod-03"]);
    for (const provider of providers) {
      expect(provider.oidc).toEqual({ issuer_uri: `https://${HOST}`, allowed_audiences: [aud] });
      expect(referenced(json, provider.workload_identity_pool_id).resource.project).toBe(provider.project);
    }
    expect(all(json, "google_project_service").map((s) => s.service)).toEqual(
      expect.arrayContaining(["sts.googleapis.com", "iamcredentials.googleapis.com"]),
    );
    expect(all(json, "google_project_service").every((s) => s.disable_on_destroy === false)).toBe(true);
  });

  it("accepts only this project's tokens, by id and path", () => {
    expect(poolProvider("blueprint-dev-01").attribute_condition).toBe(
      `assertion.project_id == "${PROJECT_ID}" && assertion.project_path == "acme/platform/blueprint"`,
    );
    expect(principalsOf("blueprint-dev-01", token(aud))).toBeDefined();
    expect(principalsOf("blueprint-dev-01", token(aud, { project_path: "evil/blueprint" }))).toBeUndefined();
    // A new project at the old path after a rename has another id.
    expect(principalsOf("blueprint-dev-01", token(aud, { project_id: "999" }))).toBeUndefined();
    expect(principalsOf("blueprint-dev-01", token("sts.amazonaws.com"))).toBeUndefined();
  });

  it("lets only a deploy job of the protected default branch, in that environment, impersonate the deploy account", () => {
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod"))).toBe(true);
    // The same job for another environment, or no environment at all (plan, drift).
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("dev"))).toBe(false);
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", token(aud))).toBe(false);
    // A merge request's branch, an unprotected default branch, a tag.
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", { ref: "feature/x" }))).toBe(
      false,
    );
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", { ref_protected: "false" }))).toBe(
      false,
    );
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", { ref_type: "tag" }))).toBe(false);
    // Another project, even claiming the right branch and environment.
    const other = { project_path: "evil/blueprint", project_id: "1" };
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", other))).toBe(false);
  });

  it("lets any job of the project impersonate the plan account, and no other project", () => {
    expect(
      canImpersonate("ci-dev-plan", "blueprint-dev-01", token(aud, { ref: "feature/x", ref_protected: "false" })),
    ).toBe(true);
    expect(canImpersonate("ci-dev-plan", "blueprint-dev-01", token(aud))).toBe(true);
    expect(
      canImpersonate("ci-dev-plan", "blueprint-dev-01", token(aud, { project_path: "evil/x", project_id: "1" })),
    ).toBe(false);
    // Each environment's accounts are bound to their own project's pool.
    expect(canImpersonate("ci-dev-plan", "blueprint-prod-03", token(aud))).toBe(false);
  });

  it("names no wildcard principal and no whole pool in any binding", () => {
    for (const binding of all(json, "google_service_account_iam_member")) {
      expect(binding.member).toMatch(/\/attribute\.(project_id|deploy_scope)\/[^*]+$/);
      expect(binding.member).not.toMatch(/\/\*$/);
    }
  });

  it("maps a subject that fits GCP's 127-byte limit whatever the branch name", () => {
    const mapping = poolProvider("blueprint-dev-01").attribute_mapping as Record<string, string>;
    const subject = celEval(mapping["google.subject"], token(aud, { ref: "x".repeat(255) })) as string;
    expect(subject).toBe(`project_id:${PROJECT_ID}:job_id:987654`);
  });

  it("gives plan read-only roles and deploy the workload's roles, never a basic role but viewer", () => {
    const rolesOf = (accountId: string) =>
      all(json, "google_project_iam_member")
        .filter((m) => referenced(json, String(m.member)).resource.account_id === accountId)
        .map((m) => m.role)
        .sort();
    expect(rolesOf("ci-dev-plan")).toEqual([
      "roles/secretmanager.secretAccessor",
      "roles/storage.objectViewer",
      "roles/viewer",
    ]);
    // Nothing that writes.
    for (const role of rolesOf("ci-dev-plan")) expect(role).not.toMatch(/admin|editor|owner|writer|user$/i);
    const deploy = rolesOf("ci-dev-deploy");
    expect(deploy).toEqual(
      expect.arrayContaining([
        "roles/run.admin",
        "roles/cloudfunctions.admin",
        "roles/resourcemanager.projectIamAdmin",
      ]),
    );
    expect(deploy).not.toContain("roles/owner");
    expect(deploy).not.toContain("roles/editor");
  });

  it("lets the deploy account grant only the roles the workload grants", () => {
    const admin = all(json, "google_project_iam_member").filter(
      (m) => m.role === "roles/resourcemanager.projectIamAdmin",
    );
    expect(admin).toHaveLength(2);
    for (const grant of admin) {
      expect((grant.condition as { expression: string }).expression).toBe(
        `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${GCP_GRANTABLE_ROLES.map((r) => `'${r}'`).join(", ")}])`,
      );
    }
  });
});
