import { pipelineVariables, SECRET_PLACEHOLDER } from "../../lib/bootstrap/variables";
import {
  all,
  bootstrapConfig,
  bootstrapInput,
  HOST,
  PROJECT_ID,
  PROJECT_PATH,
  referenced,
  synthBootstrap,
  TEST_COMPANY,
  twoEnvironments,
} from "./helpers";

const json = synthBootstrap();
const variables = all(json, "gitlab_project_variable");
const variable = (key: string) => {
  const found = variables.find((v) => v.key === key);
  if (found === undefined) throw new Error(`no variable ${key}`);
  return found;
};

describe("bootstrap on GitLab", () => {
  it("talks to the configured host's API; the token comes from GITLAB_TOKEN, never the config", () => {
    expect(json.provider?.gitlab).toEqual([{ base_url: `https://${HOST}/api/v4/` }]);
  });

  it("creates each environment with the tier and URL its deploy job uses", () => {
    expect(all(json, "gitlab_project_environment").map((e) => [e.name, e.tier, e.external_url, e.project])).toEqual([
      ["dev", "development", `https://dev.${TEST_COMPANY.domain}`, String(PROJECT_ID)],
      ["prod", "production", `https://${TEST_COMPANY.domain}`, String(PROJECT_ID)],
    ]);
  });

  it("protects every environment for maintainers, and prod needs an approval", () => {
    const protections = all(json, "gitlab_project_protected_environment");
    const byName = Object.fromEntries(protections.map((p) => [referenced(json, p.environment).resource.name, p]));
    expect(Object.keys(byName).sort()).toEqual(["dev", "prod"]);
    for (const protection of protections) {
      expect(protection.deploy_access_levels_attribute).toEqual([{ access_level: "maintainer" }]);
    }
    expect(byName.prod.approval_rules).toEqual([{ access_level: "maintainer", required_approvals: 1 }]);
    expect(byName.dev.approval_rules).toBeUndefined();
  });

  it("keeps a protected environment and its protection from being destroyed, and only those", () => {
    const protectedEnvs = twoEnvironments()
      .filter((env) => env.protect === true)
      .map((env) => env.name);
    expect(protectedEnvs.length).toBeGreaterThan(0);
    for (const type of ["gitlab_project_environment", "gitlab_project_protected_environment"]) {
      for (const resource of all(json, type)) {
        const name =
          type === "gitlab_project_environment" ? resource.name : referenced(json, resource.environment).resource.name;
        expect({ type, name, lifecycle: resource.lifecycle }).toEqual({
          type,
          name,
          lifecycle: protectedEnvs.includes(name as string) ? { prevent_destroy: true } : undefined,
        });
      }
    }
  });

  it("leaves protection to the administrator when protected environments are off (GitLab Free)", () => {
    const free = synthBootstrap(
      bootstrapConfig(
        twoEnvironments(),
        bootstrapInput(["dev", "prod"], {
          gitlab: { protectedEnvironments: false },
          environments: { dev: {}, prod: {} },
        }),
      ),
    );
    expect(free.resource?.gitlab_project_protected_environment).toBeUndefined();
    expect(all(free, "gitlab_project_environment")).toHaveLength(2);
  });

  it("writes plan variables unprotected for every scope (protected for a protected environment), deploy variables protected and scoped to their environment", () => {
    // prod is protected: its plan jobs run on the default branch only, so its plan variables are protected too.
    expect(variable("AWS_ROLE_ARN_PROD_PLAN")).toMatchObject({ protected: true, environment_scope: "*" });
    expect(variable("AWS_ROLE_ARN_DEV_PLAN")).toMatchObject({ protected: false, environment_scope: "*" });
    expect(variable("AWS_ROLE_ARN_PROD_DEPLOY")).toMatchObject({ protected: true, environment_scope: "prod" });
    expect(variable("ARM_CLIENT_ID_DEV_DEPLOY")).toMatchObject({ protected: true, environment_scope: "dev" });
    expect(variable("GCP_SERVICE_ACCOUNT_DEV_PLAN")).toMatchObject({ protected: false, environment_scope: "*" });
    // Read by both purposes: visible to plan jobs too (of the default branch only, for a protected environment).
    expect(variable("ARM_TENANT_ID_PROD")).toMatchObject({
      protected: true,
      environment_scope: "*",
      value: "00000000-0000-0000-0000-0000000000aa",
    });
    expect(variable("ARM_TENANT_ID_DEV")).toMatchObject({ protected: false, environment_scope: "*" });
    expect(variable("GCP_WORKLOAD_IDENTITY_PROVIDER_PROD")).toMatchObject({ protected: true, environment_scope: "*" });
    expect(variable("GCP_WORKLOAD_IDENTITY_PROVIDER_DEV")).toMatchObject({ protected: false, environment_scope: "*" });
  });

  it("declares every secret variable with a placeholder it never reads back: masked, protected for a protected environment", () => {
    const secrets = variables.filter((v) => v.masked === true);
    expect(secrets.map((v) => v.key).sort()).toEqual(
      [
        "GITLAB_PLAN_NOTE_TOKEN",
        "CLOUDFLARE_API_TOKEN_DEV_PLAN",
        "CLOUDFLARE_API_TOKEN_DEV_DEPLOY",
        "CLOUDFLARE_API_TOKEN_PROD_PLAN",
        "CLOUDFLARE_API_TOKEN_PROD_DEPLOY",
      ].sort(),
    );
    for (const v of secrets) {
      expect(v).toMatchObject({ value: SECRET_PLACEHOLDER, lifecycle: { ignore_changes: ["value"] } });
    }
    expect(variable("CLOUDFLARE_API_TOKEN_PROD_PLAN")).toMatchObject({ protected: true, environment_scope: "*" });
    expect(variable("CLOUDFLARE_API_TOKEN_PROD_DEPLOY")).toMatchObject({ protected: true, environment_scope: "prod" });
    expect(variable("CLOUDFLARE_API_TOKEN_DEV_PLAN")).toMatchObject({ protected: false, environment_scope: "*" });
    // Merge requests post their notes with it: unprotected, and a Reporter's (docs/bootstrap.md, threat model).
    expect(variable("GITLAB_PLAN_NOTE_TOKEN")).toMatchObject({ protected: false, environment_scope: "*" });
  });

  it("stores references to the identities it creates, never a secret, and no Cloudflare token", () => {
    const expected: Record<string, string> = {
      AWS_ROLE_ARN_PROD_DEPLOY: `aws_iam_role.arn:ci-${TEST_COMPANY.service}-prod-deploy`,
      AWS_ROLE_ARN_DEV_PLAN: `aws_iam_role.arn:ci-${TEST_COMPANY.service}-dev-plan`,
      ARM_CLIENT_ID_PROD_PLAN: "azuread_application.client_id:gitlab-ci-acme-platform-blueprint-prod-plan",
      GCP_SERVICE_ACCOUNT_PROD_DEPLOY: "google_service_account.email:ci-prod-deploy",
      GCP_WORKLOAD_IDENTITY_PROVIDER_DEV: "google_iam_workload_identity_pool_provider.name:gitlab",
    };
    for (const [key, target] of Object.entries(expected)) {
      const ref = referenced(json, variable(key).value);
      const resource = ref.resource;
      const label =
        resource.account_id ?? resource.workload_identity_pool_provider_id ?? resource.name ?? resource.display_name;
      expect(`${ref.type}.${ref.attribute}:${label}`).toBe(target);
    }
    const identities = variables.filter((v) => v.masked !== true);
    expect(identities.some((v) => String(v.key).startsWith("CLOUDFLARE_"))).toBe(false);
    for (const v of identities) expect(v).toMatchObject({ masked: false, raw: true, variable_type: "env_var" });
  });

  it("scopes nothing when scoped variables are off, but keeps deploy variables protected", () => {
    const specs = pipelineVariables("prod", ["aws"], false);
    expect(specs.map((s) => [s.key, s.protected, s.environmentScope])).toEqual([
      ["AWS_ROLE_ARN_PROD_DEPLOY", true, "*"],
      ["AWS_ROLE_ARN_PROD_PLAN", false, "*"],
      ["AWS_ROLE_ARN_PROD_PUBLISH", true, "*"],
    ]);
    expect(pipelineVariables("prod", ["aws"], false, true).map((s) => s.protected)).toEqual([true, true, true]);
  });

  it("adopts the existing project (import, never create, never destroy) with outdated deployment jobs prevented", () => {
    const projects = all(json, "gitlab_project");
    expect(projects).toHaveLength(1);
    expect(projects[0]).toMatchObject({
      name: PROJECT_PATH.split("/").at(-1),
      ci_forward_deployment_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const imports = (json as { import?: { id: string; to: string }[] }).import ?? [];
    expect(imports).toContainEqual(
      expect.objectContaining({ id: String(PROJECT_ID), to: expect.stringMatching(/^gitlab_project\./) }),
    );
  });
});
