import {
  GCP_DEPLOY_CUSTOM_ROLES,
  GCP_MAX_NAME_PREFIX,
  GCP_PUBLISH_ROLE,
  GCP_ROLES,
  GCP_SCOPED_ROLES,
  gcpDeployRoleId,
  gcpNameCondition,
  gcpOwnPrefix,
  gcpRepositoryCondition,
} from "../../lib/bootstrap/gcp";
import { gcpWorkloadAccounts } from "../../lib/gcp/identity";
import { gcpRoleGrant } from "../../lib/gcp/permissions";
import type { IdentityPurpose } from "../../lib/identity";
import { matches } from "../../lib/permissions/coverage";
import { all, referenced } from "../helpers/terraform";
import {
  audiencesOf,
  bootstrapConfig,
  bootstrapInput,
  type Claims,
  celEval,
  gcpCanImpersonate,
  gcpConditionHolds,
  gcpPoolProvider,
  gcpPrincipalsOf,
  HOST,
  PROJECT_ID,
  SERVICE,
  synthBootstrap,
  token,
  twoEnvironments,
} from "./helpers";

const aud = audiencesOf("gcp");
const json = synthBootstrap();
const poolProvider = (project: string) => gcpPoolProvider(json, project);
const principalsOf = (project: string, claims: Claims) => gcpPrincipalsOf(json, HOST, project, claims);
const canImpersonate = (accountId: string, project: string, claims: Claims) =>
  gcpCanImpersonate(json, HOST, accountId, project, claims);

/** The token of a deploy job of `environment` (its deploy audience, environment, tier, protection). */
const deployToken = (environment: string, patch: Partial<Claims> = {}) =>
  token(aud(environment, "deploy"), {
    environment,
    deployment_tier: environment === "prod" ? "production" : "development",
    environment_protected: "true",
    ...patch,
  });

describe("bootstrap on GCP", () => {
  it("creates one pool and provider per project, for the GitLab issuer and that project's audiences", () => {
    const providers = all(json, "google_iam_workload_identity_pool_provider");
    expect(providers.map((p) => p.project).sort()).toEqual(["blueprint-dev-01", "blueprint-prod-03"]);
    expect(poolProvider("blueprint-prod-03").oidc).toEqual({
      issuer_uri: `https://${HOST}`,
      allowed_audiences: [aud("prod", "plan"), aud("prod", "deploy"), aud("prod", "publish")],
    });
    for (const provider of providers) {
      expect(referenced(json, provider.workload_identity_pool_id).resource.project).toBe(provider.project);
    }
    expect(all(json, "google_project_service").map((s) => s.service)).toEqual(
      expect.arrayContaining(["sts.googleapis.com", "iamcredentials.googleapis.com"]),
    );
    expect(all(json, "google_project_service").every((s) => s.disable_on_destroy === false)).toBe(true);
  });

  it("accepts only this project's tokens, by id and path, with one of the project's audiences", () => {
    expect(poolProvider("blueprint-dev-01").attribute_condition).toMatch(
      new RegExp(
        `^assertion.project_id == "${PROJECT_ID}" && assertion.project_path == "acme/platform/blueprint" && \\(`,
      ),
    );
    const plan = token(aud("dev", "plan"));
    expect(principalsOf("blueprint-dev-01", plan)).toBeDefined();
    expect(principalsOf("blueprint-dev-01", { ...plan, project_path: "evil/blueprint" })).toBeUndefined();
    // A new project at the old path after a rename has another id.
    expect(principalsOf("blueprint-dev-01", { ...plan, project_id: "999" })).toBeUndefined();
    expect(principalsOf("blueprint-dev-01", token("sts.amazonaws.com"))).toBeUndefined();
    // The other project's audiences are not allowed here.
    expect(principalsOf("blueprint-dev-01", token(aud("prod", "plan")))).toBeUndefined();
  });

  it("lets only a deploy job of the protected default branch, in that environment, impersonate the deploy account", () => {
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod"))).toBe(true);
    // Another environment's deploy token, or one that claims this environment with another audience.
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("dev"))).toBe(false);
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", { environment: "dev" }))).toBe(
      false,
    );
    // A plan or drift job: the plan audience, no environment; or the deploy audience without the environment.
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", token(aud("prod", "plan")))).toBe(false);
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", token(aud("prod", "deploy")))).toBe(false);
    // A merge request's branch, an unprotected default branch, a tag, another tier, an unprotected environment.
    for (const patch of [
      { ref: "feature/x" },
      { ref_protected: "false" as const },
      { ref_type: "tag" as const },
      { deployment_tier: "development" },
      { environment_protected: "false" as const },
    ]) {
      expect({ patch, ok: canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", patch)) }).toEqual({
        patch,
        ok: false,
      });
    }
    // Another project, even claiming the right branch and environment.
    const other = { project_path: "evil/blueprint", project_id: "1" };
    expect(canImpersonate("ci-prod-deploy", "blueprint-prod-03", deployToken("prod", other))).toBe(false);
  });

  it("lets any branch of the project impersonate an unprotected environment's plan account, and no other project", () => {
    const plan = aud("dev", "plan");
    expect(
      canImpersonate("ci-dev-plan", "blueprint-dev-01", token(plan, { ref: "feature/x", ref_protected: "false" })),
    ).toBe(true);
    expect(canImpersonate("ci-dev-plan", "blueprint-dev-01", token(plan))).toBe(true);
    expect(canImpersonate("ci-dev-plan", "blueprint-dev-01", token(plan, { ref_type: "tag", ref: "v1" }))).toBe(false);
    expect(
      canImpersonate("ci-dev-plan", "blueprint-dev-01", token(plan, { project_path: "evil/x", project_id: "1" })),
    ).toBe(false);
    // The deploy token of the same environment is not a plan token.
    expect(canImpersonate("ci-dev-plan", "blueprint-dev-01", deployToken("dev"))).toBe(false);
    // Each environment's accounts are bound to their own project's pool.
    expect(canImpersonate("ci-dev-plan", "blueprint-prod-03", token(plan))).toBe(false);
  });

  it("lets only the default branch impersonate the publish account, which writes to its own repository only", () => {
    const publish = aud("prod", "publish");
    expect(canImpersonate("ci-prod-publish", "blueprint-prod-03", token(publish))).toBe(true);
    expect(
      canImpersonate(
        "ci-prod-publish",
        "blueprint-prod-03",
        token(publish, { ref: "feature/x", ref_protected: "false" }),
      ),
    ).toBe(false);
    expect(canImpersonate("ci-prod-publish", "blueprint-prod-03", deployToken("prod"))).toBe(false);
    const grants = all(json, "google_project_iam_member").filter(
      (m) => referenced(json, String(m.member)).resource.account_id === "ci-prod-publish",
    );
    expect(grants.map((g) => g.role)).toEqual([GCP_PUBLISH_ROLE]);
    expect((grants[0].condition as { expression: string }).expression).toBe(gcpRepositoryCondition(`${SERVICE}-prod`));
  });

  it("lets only the default branch impersonate a protected environment's plan account", () => {
    const plan = aud("prod", "plan");
    expect(canImpersonate("ci-prod-plan", "blueprint-prod-03", token(plan))).toBe(true);
    expect(
      canImpersonate("ci-prod-plan", "blueprint-prod-03", token(plan, { ref: "feature/x", ref_protected: "false" })),
    ).toBe(false);
  });

  it("binds each account to its own audience only: no wildcard principal, no whole pool", () => {
    for (const binding of all(json, "google_service_account_iam_member")) {
      const account = referenced(json, binding.service_account_id).resource.account_id as string;
      const [, env, purpose] = account.split("-");
      expect(binding.member).toMatch(new RegExp(`/attribute\\.aud/${aud(env, purpose as IdentityPurpose)}$`));
      expect(binding.member).not.toMatch(/\*/);
    }
  });

  it("keeps the service account condition to the part of a long name that lib/gcp keeps", () => {
    const long = twoEnvironments().map((env) => ({ ...env, name: env.name === "prod" ? "prod" : "d".repeat(20) }));
    const json = synthBootstrap(bootstrapConfig(long, bootstrapInput(long.map((env) => env.name as string))));
    const admin = all(json, "google_project_iam_member").find(
      (m) => m.role === "roles/iam.serviceAccountUser" && String(m.project).includes("dev"),
    );
    const kept = `${SERVICE}-${"d".repeat(20)}-`.slice(0, GCP_MAX_NAME_PREFIX);
    expect((admin?.condition as { expression: string } | undefined)?.expression).toContain(`.startsWith("${kept}")`);
  });

  it("refuses a project with more environments than the attribute condition can hold", () => {
    const envs = twoEnvironments().map((env) => ({
      ...env,
      gcp: { project: "shared-project-01", region: "europe-west1" },
    }));
    const many = Array.from({ length: 12 }, (_, i) => ({ ...envs[0], name: `env-number-${i}` }));
    expect(() => synthBootstrap(bootstrapConfig(many, bootstrapInput(many.map((env) => env.name as string))))).toThrow(
      /attribute condition .* is \d+ characters \(GCP allows 4096\); put fewer environments in one GCP project/,
    );
  });

  it("maps a subject that fits GCP's 127-byte limit whatever the branch name", () => {
    const mapping = poolProvider("blueprint-dev-01").attribute_mapping as Record<string, string>;
    const subject = celEval(mapping["google.subject"], token(aud("dev", "plan"), { ref: "x".repeat(255) })) as string;
    expect(subject).toBe(`project_id:${PROJECT_ID}:job_id:987654`);
  });

  it("gives plan per-service viewer roles and deploy the workload's products, never a basic or owner-like role", () => {
    const grantsOf = (accountId: string) =>
      all(json, "google_project_iam_member")
        .filter((m) => referenced(json, String(m.member)).resource.account_id === accountId)
        .map((m) => ({ role: m.role as string, condition: m.condition as { expression: string } | undefined }));
    const custom = (g: { role: string }) => g.role.startsWith("${google_project_iam_custom_role.");
    const plan = grantsOf("ci-dev-plan");
    expect(plan.map((g) => g.role).sort()).toEqual([...GCP_ROLES.plan, ...Object.keys(GCP_SCOPED_ROLES.plan)].sort());
    for (const { role } of plan)
      expect(role).not.toMatch(/^roles\/(viewer|editor|owner)$|admin|editor|owner|writer|user$/i);
    const deploy = grantsOf("ci-dev-deploy");
    // The custom roles: exactly what the stack's resource types call, secrets and buckets on the environment's own.
    const customRoles = deploy.filter(custom).map((g) => ({
      role: referenced(json, g.role).resource,
      condition: g.condition?.expression,
    }));
    expect(customRoles.map(({ role }) => role.role_id).sort()).toEqual(
      Object.keys(GCP_DEPLOY_CUSTOM_ROLES)
        .map((key) => gcpDeployRoleId(SERVICE, key as keyof typeof GCP_DEPLOY_CUSTOM_ROLES))
        .sort(),
    );
    for (const { role, condition } of customRoles) {
      const [key, spec] = Object.entries(GCP_DEPLOY_CUSTOM_ROLES).find(
        ([k]) => gcpDeployRoleId(SERVICE, k as keyof typeof GCP_DEPLOY_CUSTOM_ROLES) === role.role_id,
      ) as [string, (typeof GCP_DEPLOY_CUSTOM_ROLES)["serving"]];
      expect({ key, permissions: role.permissions }).toEqual({ key, permissions: [...spec.permissions] });
      expect({ key, condition }).toEqual({
        key,
        condition:
          spec.collection === undefined ? undefined : expect.stringContaining(`.startsWith("${SERVICE}-dev-")`),
      });
    }
    // No IAM administration: bootstrap makes the workload's accounts and grants.
    for (const { role } of deploy) {
      expect(role).not.toMatch(
        /^roles\/(resourcemanager\.projectIamAdmin|iam\.serviceAccountAdmin|iam\.serviceAccountTokenCreator|iam\.securityAdmin)$/,
      );
    }
    for (const { role } of [...plan, ...deploy]) expect(role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
    // Roles that reach accounts, secrets or buckets apply only to the environment's own, by name.
    for (const { role, condition } of [...plan, ...deploy]) {
      const scoped = { ...GCP_SCOPED_ROLES.plan, ...GCP_SCOPED_ROLES.deploy }[role];
      if (scoped === undefined) continue;
      expect({ role, condition: condition?.expression }).toEqual({
        role,
        condition: expect.stringContaining(`.startsWith("${SERVICE}-dev-")`),
      });
    }
    expect(
      deploy
        .filter((g) => g.condition === undefined && !custom(g))
        .map((g) => g.role)
        .sort(),
    ).toEqual([...GCP_ROLES.deploy].sort());
  });

  it("holds setIamPolicy on the environment's own Cloud Run services only, and no project-wide setIamPolicy", () => {
    for (const env of ["dev", "prod"]) {
      const grants = all(json, "google_project_iam_member")
        .filter((m) => referenced(json, String(m.member)).resource.account_id === `ci-${env}-deploy`)
        .map((m) => {
          const role = String(m.role);
          const permissions = role.startsWith("roles/")
            ? gcpRoleGrant(role).statements.flatMap((s) => s.allow)
            : (referenced(json, role).resource.permissions as string[]);
          const id = role.startsWith("roles/") ? role : String(referenced(json, role).resource.role_id);
          return { id, permissions, condition: (m.condition as { expression: string } | undefined)?.expression };
        });
      // Project-wide (no condition): no role of the deploy account sets IAM on anything.
      for (const { id, permissions } of grants.filter((g) => g.condition === undefined)) {
        expect({
          id,
          setIamPolicy: permissions.filter(
            (p) => matches(p, "run.services.setIamPolicy") || p.endsWith(".setIamPolicy"),
          ),
        }).toEqual({ id, setIamPolicy: [] });
      }
      // Cloud Run's setIamPolicy: in the invoker role alone, under the environment's services condition.
      const setters = grants.filter((g) => g.permissions.some((p) => matches(p, "run.services.setIamPolicy")));
      expect(setters.map(({ id, condition }) => ({ id, condition }))).toEqual([
        {
          id: gcpDeployRoleId(SERVICE, "invoker"),
          condition: gcpNameCondition("services", gcpOwnPrefix(SERVICE, env, "services")),
        },
      ]);
      expect(GCP_DEPLOY_CUSTOM_ROLES.serving.permissions).not.toContain("run.services.setIamPolicy");
      expect(GCP_DEPLOY_CUSTOM_ROLES.invoker.permissions).toEqual([
        "run.services.getIamPolicy",
        "run.services.setIamPolicy",
      ]);
      const condition = setters[0].condition as string;
      const service = (project: string, name: string) => ({
        type: "run.googleapis.com/Service",
        name: `projects/${project}/locations/europe-west1/services/${name}`,
      });
      const project = env === "dev" ? "blueprint-dev-01" : "blueprint-prod-03";
      const other = env === "dev" ? "prod" : "dev";
      expect(gcpConditionHolds(condition, service(project, `${SERVICE}-${env}-fn`))).toBe(true);
      expect(gcpConditionHolds(condition, service(project, `${SERVICE}-${env}-run`))).toBe(true);
      expect(gcpConditionHolds(condition, service(project, `${SERVICE}-${other}-run`))).toBe(false);
      expect(gcpConditionHolds(condition, service(project, "someone-elses-service"))).toBe(false);
    }
  });

  it("lets deploy manage, and plan read, the Cloud Monitoring resources the environment stacks create", () => {
    const rolesOf = (accountId: string) =>
      all(json, "google_project_iam_member")
        .filter((m) => referenced(json, String(m.member)).resource.account_id === accountId)
        .map((m) => m.role as string);
    // One narrow role per resource kind lib/gcp/monitoring.ts creates, never monitoring.admin or editor.
    expect(rolesOf("ci-dev-deploy")).toEqual(
      expect.arrayContaining([
        "roles/monitoring.alertPolicyEditor",
        "roles/monitoring.dashboardEditor",
        "roles/monitoring.notificationChannelEditor",
        "roles/monitoring.servicesEditor",
        "roles/monitoring.uptimeCheckConfigEditor",
      ]),
    );
    expect(rolesOf("ci-dev-plan")).toContain("roles/monitoring.viewer");
    for (const role of [...rolesOf("ci-dev-deploy"), ...rolesOf("ci-dev-plan")]) {
      expect(role).not.toMatch(/^roles\/monitoring\.(admin|editor)$/);
    }
  });

  it("makes each environment's workload accounts, and the function build account's run.builder, itself", () => {
    const accounts = all(json, "google_service_account")
      .map((a) => String(a.account_id))
      .filter((id) => !id.startsWith("ci-"))
      .sort();
    for (const env of ["dev", "prod"]) {
      const wanted = Object.values(gcpWorkloadAccounts({ service: SERVICE, environment: env })).map((a) => a.accountId);
      expect(wanted).toHaveLength(3);
      expect(accounts).toEqual(expect.arrayContaining(wanted));
    }
    const builder = all(json, "google_project_iam_member").filter((m) => m.role === "roles/run.builder");
    expect(builder.map((m) => referenced(json, String(m.member)).resource.account_id).sort()).toEqual(
      ["dev", "prod"].map(
        (environment) => gcpWorkloadAccounts({ service: SERVICE, environment }).functionBuild.accountId,
      ),
    );
  });

  it("grants the workload accounts their secret and bucket reads, on the environment's own only", () => {
    const granted = (role: string) =>
      all(json, "google_project_iam_member")
        .filter((m) => m.role === role)
        .map((m) => ({
          account: String(referenced(json, String(m.member)).resource.account_id),
          condition: (m.condition as { expression: string } | undefined)?.expression,
        }))
        .sort((a, b) => a.account.localeCompare(b.account));
    for (const env of ["dev", "prod"]) {
      const accounts = gcpWorkloadAccounts({ service: SERVICE, environment: env });
      const own = (collection: string) =>
        expect.stringContaining(`.extract("/${collection}/{name}").startsWith("${SERVICE}-${env}-")`);
      for (const runtime of [accounts.functionRuntime, accounts.containerRuntime]) {
        expect(granted("roles/secretmanager.secretAccessor")).toContainEqual({
          account: runtime.accountId,
          condition: own("secrets"),
        });
      }
      expect(granted("roles/storage.objectViewer")).toContainEqual({
        account: accounts.functionBuild.accountId,
        condition: own("buckets"),
      });
    }
    // Never unconditioned: a workload account reads no other environment's secret or bucket.
    for (const role of ["roles/secretmanager.secretAccessor", "roles/storage.objectViewer"]) {
      expect(granted(role).filter((g) => g.condition === undefined)).toEqual([]);
    }
  });

  it("names an operator's secret exactly, beside the environment's prefix", () => {
    const condition = gcpNameCondition("secrets", "svc-prod-", ["API_KEY"]);
    expect(condition).toContain('resource.name.extract("/secrets/{name}").startsWith("svc-prod-")');
    // The secret itself and its versions (`.../secrets/API_KEY/versions/latest`), not API_KEY_OLD.
    expect(condition).toContain('resource.name.endsWith("/secrets/API_KEY")');
    expect(condition).toContain('resource.name.extract("/secrets/{name}/") == "API_KEY"');
    expect(gcpNameCondition("buckets", "svc-prod-")).toBe(
      'resource.type == "cloudresourcemanager.googleapis.com/Project" || resource.name.extract("/buckets/{name}").startsWith("svc-prod-")',
    );
  });
});
