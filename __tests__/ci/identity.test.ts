import {
  allIdentityVariables,
  deployClaims,
  deploySubject,
  ID_TOKENS,
  identityVariables,
  planSubjectPattern,
  subjectClaim,
  variableSuffix,
} from "../../ci/identity";
import { CLOUDS } from "../../lib/config/schema";

describe("ci/identity", () => {
  it("names one id_token per cloud, with the audience each cloud's federation expects", () => {
    expect(Object.keys(ID_TOKENS).sort()).toEqual([...CLOUDS].sort());
    expect(ID_TOKENS.azure).toEqual({ variable: "ARM_OIDC_TOKEN", audience: "api://AzureADTokenExchange" });
    expect(ID_TOKENS.aws.audience).toBe("sts.amazonaws.com");
    const variables = Object.values(ID_TOKENS).map((t) => t.variable);
    expect(new Set(variables).size).toBe(variables.length);
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
      "ARM_TENANT_ID_DEV",
    ]);
  });

  it("writes GitLab's sub claim: exact for deploy, only the branch name wild for plan", () => {
    expect(subjectClaim("g/p", "tag", "v1")).toBe("project_path:g/p:ref_type:tag:ref:v1");
    expect(deploySubject("group/sub/project", "main")).toBe("project_path:group/sub/project:ref_type:branch:ref:main");
    expect(planSubjectPattern("group/project")).toBe("project_path:group/project:ref_type:branch:ref:*");
    expect(planSubjectPattern("group/project").indexOf("*")).toBe(planSubjectPattern("group/project").length - 1);
  });

  it("requires a protected branch and the environment for deploy identities", () => {
    expect(deployClaims("prod")).toEqual({ ref_type: "branch", ref_protected: "true", environment: "prod" });
  });
});
