import { CLOUDS } from "../../lib/config/schema";
import {
  allIdentityVariables,
  audience,
  DEPLOY_JOBS,
  ID_TOKENS,
  IDENTITY_PURPOSES,
  identityVariables,
  jobIdTokens,
  jobPurpose,
  parseAudience,
  requiredClaims,
  subjectClaim,
  type TrustScope,
  trustSubject,
  variableSuffix,
} from "../../lib/identity";
import { shippedEnvironments } from "../helpers/environments";

const names = shippedEnvironments().map((env) => env.name);
const scope = (patch: Partial<TrustScope> = {}): TrustScope => ({
  environment: "env-a",
  purpose: "deploy",
  defaultBranch: "trunk",
  protectedEnvironment: false,
  tier: "production",
  gitlabProtectsEnvironment: true,
  ...patch,
});

describe("lib/identity", () => {
  it("names one id_token variable per cloud", () => {
    expect(Object.keys(ID_TOKENS).sort()).toEqual([...CLOUDS].sort());
    const variables = Object.values(ID_TOKENS).map((t) => t.variable);
    expect(new Set(variables).size).toBe(variables.length);
  });

  it("gives every cloud, environment and purpose its own audience, and reads it back", () => {
    const all = CLOUDS.flatMap((cloud) =>
      names.flatMap((env) => IDENTITY_PURPOSES.map((purpose) => ({ cloud, environment: env, purpose }))),
    );
    const audiences = all.map((a) => audience(a.cloud, a.environment, a.purpose));
    expect(new Set(audiences).size).toBe(all.length);
    expect(audiences.map(parseAudience)).toEqual(all);
    // A made-up environment whose name extends another's still gets its own.
    expect(audience("aws", `${names[0]}-x`, "deploy")).not.toBe(audience("aws", names[0], "deploy"));
    for (const other of ["sts.amazonaws.com", "api://AzureADTokenExchange", "gitlab-ci:aws:*:deploy", "x:aws:a:plan"]) {
      expect(parseAudience(other)).toBeUndefined();
    }
  });

  it("gives deploy audiences only to the jobs that change an environment", () => {
    expect(DEPLOY_JOBS).toEqual(expect.arrayContaining(["deploy", "promote"]));
    // Publishing runs before the deploy is approved: its own identity, never the deploy one.
    expect(DEPLOY_JOBS).not.toContain("publish");
    expect(jobPurpose("publish")).toBe("publish");
    for (const { aud } of Object.values(jobIdTokens("publish", names[0], CLOUDS))) {
      expect(parseAudience(aud)?.purpose).toBe("publish");
    }
    for (const job of ["plan", "drift", "validate", "verify", "plan-comment", "drift-report"]) {
      expect(jobPurpose(job)).toBe("plan");
      for (const { aud } of Object.values(jobIdTokens(job, names[0], CLOUDS))) {
        expect(parseAudience(aud)?.purpose).toBe("plan");
      }
    }
    expect(jobIdTokens("deploy", names[0], ["aws", "gcp"])).toEqual({
      [ID_TOKENS.aws.variable]: { aud: audience("aws", names[0], "deploy") },
      [ID_TOKENS.gcp.variable]: { aud: audience("gcp", names[0], "deploy") },
    });
  });

  it("gives every environment and purpose its own CI/CD variable names", () => {
    expect(identityVariables("prod", "deploy")).toEqual({
      aws: { roleArn: "AWS_ROLE_ARN_PROD_DEPLOY" },
      azure: { clientId: "ARM_CLIENT_ID_PROD_DEPLOY", tenantId: "ARM_TENANT_ID_PROD" },
      gcp: {
        workloadIdentityProvider: "GCP_WORKLOAD_IDENTITY_PROVIDER_PROD",
        serviceAccount: "GCP_SERVICE_ACCOUNT_PROD_DEPLOY",
      },
      cloudflare: { apiToken: "CLOUDFLARE_API_TOKEN_PROD_DEPLOY" },
    });
    expect(identityVariables("eu-west", "plan").aws.roleArn).toBe("AWS_ROLE_ARN_EU_WEST_PLAN");
    expect(variableSuffix("eu-west")).toBe("EU_WEST");
    for (const name of allIdentityVariables("dev", "gcp")) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(allIdentityVariables("dev", "azure")).toEqual([
      "ARM_CLIENT_ID_DEV_DEPLOY",
      "ARM_CLIENT_ID_DEV_PLAN",
      "ARM_CLIENT_ID_DEV_PUBLISH",
      "ARM_TENANT_ID_DEV",
    ]);
  });

  it("writes GitLab's sub claim: exact for deploy and protected plans, only the branch name wild otherwise", () => {
    expect(subjectClaim("g/p", "tag", "v1")).toBe("project_path:g/p:ref_type:tag:ref:v1");
    expect(trustSubject("group/sub/project", scope())).toEqual({
      value: "project_path:group/sub/project:ref_type:branch:ref:trunk",
      exact: true,
    });
    expect(trustSubject("g/p", scope({ purpose: "plan", protectedEnvironment: true })).exact).toBe(true);
    const plan = trustSubject("group/project", scope({ purpose: "plan" }));
    expect(plan).toEqual({ value: "project_path:group/project:ref_type:branch:ref:*", exact: false });
    expect(plan.value.indexOf("*")).toBe(plan.value.length - 1);
  });

  it("requires the protected default branch, the environment and its tier for deploy identities", () => {
    expect(requiredClaims(scope())).toEqual({
      ref_type: "branch",
      ref: "trunk",
      ref_protected: "true",
      environment: "env-a",
      deployment_tier: "production",
      environment_protected: "true",
    });
    expect(requiredClaims(scope({ gitlabProtectsEnvironment: false }))).not.toHaveProperty("environment_protected");
    expect(requiredClaims(scope({ purpose: "plan" }))).toEqual({ ref_type: "branch" });
    expect(requiredClaims(scope({ purpose: "plan", protectedEnvironment: true }))).toEqual({
      ref_type: "branch",
      ref: "trunk",
      ref_protected: "true",
    });
  });
});
