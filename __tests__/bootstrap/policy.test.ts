/**
 * The policy pack on the bootstrap stack: the stack as built passes, and each
 * way of widening a trust or raising a CI identity to administrator that the
 * security review found is an error that stops synth.
 */
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ApplicationFlexibleFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-flexible-federated-identity-credential";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { type App, Testing } from "cdktf";
import { issuerUrl } from "../../lib/bootstrap/gitlab-oidc";
import { BootstrapStack } from "../../lib/bootstrap/stack";
import { audience } from "../../lib/identity";
import { policyFindings } from "../../lib/policy";
import { testApp } from "../helpers/environments";
import { policyErrors } from "../policy/helpers";
import { bootstrapConfig, SERVICE, twoEnvironments } from "./helpers";

const config = bootstrapConfig();
const [dev, prod] = config.environments;

function build(): { app: App; stack: BootstrapStack } {
  const app = testApp();
  return { app, stack: new BootstrapStack(app, { config }) };
}

/** Unsuppressed error findings of the stack after `mutate`, by rule id. */
function errorsAfter(mutate: (stack: BootstrapStack) => void): string[] {
  const { stack } = build();
  mutate(stack);
  return policyErrors(stack);
}

const awsOf = (stack: BootstrapStack, env = prod) => {
  const trust = stack.aws.get(env.config.aws?.accountId as string);
  if (trust === undefined) throw new Error("no AWS trust");
  return trust;
};
const gcpOf = (stack: BootstrapStack, env = prod) => {
  const trust = stack.gcp.get(env.config.gcp?.project as string);
  if (trust === undefined) throw new Error("no GCP trust");
  return trust;
};
const deployIamPolicy = (stack: BootstrapStack) =>
  awsOf(stack).node.findChild(`${prod.config.name}-deploy-workload-roles`) as IamRolePolicy;

/** A project-wide grant of `role` to the protected environment's GCP deploy account, as a mutation. */
const grantDeployAccount =
  (id: string, role: string) =>
  (stack: BootstrapStack): void => {
    new ProjectIamMember(gcpOf(stack), id, {
      provider: gcpOf(stack).provider,
      project: prod.config.gcp?.project as string,
      role,
      member: gcpOf(stack).serviceAccounts.get(prod.config.name)?.deploy.member as string,
    });
  };

/** `role` on the protected environment's whole subscription for its Azure deploy identity, as a mutation. */
const assignOnSubscription =
  (id: string, role: string) =>
  (stack: BootstrapStack): void => {
    new RoleAssignment(stack, id, {
      scope: `/subscriptions/${prod.config.azure?.subscriptionId}`,
      roleDefinitionName: role,
      principalId: stack.azure?.identities.get(prod.config.name)?.deploy.servicePrincipal.objectId as string,
    });
  };

/** The pattern of the protected environment's workload roles, `<service>-<env>-*`. */
const workloadRoles = () => `arn:aws:iam::${prod.config.aws?.accountId}:role/${SERVICE}-${prod.config.name}-*`;

const deployRole = (stack: BootstrapStack) => awsOf(stack).roles.get(prod.config.name)?.deploy;

/** The mutations of the review (findings 2 to 4), and the rule that must stop each. */
const MUTATIONS: [string, string, (stack: BootstrapStack) => void][] = [
  [
    "AWS deploy role: sub widened to ref:*",
    "BP_AWS_2",
    (stack) => {
      const role = deployRole(stack);
      if (role === undefined) throw new Error("no deploy role");
      const policy = JSON.parse(role.assumeRolePolicyInput as string);
      const condition = policy.Statement[0].Condition;
      const [subKey] = Object.keys(condition.StringEquals).filter((k) => k.endsWith(":sub"));
      condition.StringLike = { [subKey]: String(condition.StringEquals[subKey]).replace(/:ref:.*$/, ":ref:*") };
      delete condition.StringEquals[subKey];
      role.assumeRolePolicy = JSON.stringify(policy);
    },
  ],
  [
    "AWS deploy role: the old shared audience",
    "BP_AWS_2",
    (stack) => {
      const role = deployRole(stack);
      if (role === undefined) throw new Error("no deploy role");
      role.assumeRolePolicy = (role.assumeRolePolicyInput as string).replace(
        audience("aws", prod.config.name, "deploy"),
        "sts.amazonaws.com",
      );
    },
  ],
  ...(["AdministratorAccess", "IAMFullAccess"] as const).map(
    (policy): [string, string, (stack: BootstrapStack) => void] => [
      `AWS deploy role: ${policy}`,
      "CKV_AWS_274",
      (stack) =>
        new IamRolePolicyAttachment(awsOf(stack), policy, {
          provider: awsOf(stack).provider,
          role: deployRole(stack)?.name as string,
          policyArn: `arn:aws:iam::aws:policy/${policy}`,
        }),
    ],
  ),
  [
    "AWS deploy role: create and put role policies without a permissions boundary",
    "CKV_AWS_286",
    (stack) => {
      deployIamPolicy(stack).policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole"],
            Resource: workloadRoles(),
          },
        ],
      });
    },
  ],
  [
    "AWS deploy role: regains CreateRole and UpdateAssumeRolePolicy on the workload's roles, with the boundary",
    "BP_AWS_8",
    (stack) => {
      const boundary = `arn:aws:iam::${prod.config.aws?.accountId}:policy/ci-${SERVICE}-${prod.config.name}-workload-boundary`;
      deployIamPolicy(stack).policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["iam:CreateRole", "iam:UpdateAssumeRolePolicy"],
            Resource: workloadRoles(),
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
          },
        ],
      });
    },
  ],
  [
    "AWS deploy role: PassRole on any role",
    "BP_AWS_8",
    (stack) => {
      deployIamPolicy(stack).policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }],
      });
    },
  ],
  [
    "AWS deploy role: PassRole to any service",
    "BP_AWS_8",
    (stack) => {
      deployIamPolicy(stack).policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: workloadRoles() }],
      });
    },
  ],
  ["Azure deploy identity: Owner on the subscription", "BP_AZ_5", assignOnSubscription("owner", "Owner")],
  ["Azure deploy identity: Contributor again", "BP_AZ_5", assignOnSubscription("contributor", "Contributor")],
  [
    "Azure deploy role: may create an identity, federate it to any issuer, and assign roles",
    "BP_AZ_11",
    (stack) => {
      const role = stack.azure?.node
        .findAll()
        .find((c): c is RoleDefinition => c instanceof RoleDefinition && String(c.nameInput).startsWith("CI deploy"));
      if (role === undefined) throw new Error("no deploy role definition");
      role.putPermissions([{ actions: ["*"], notActions: [] }]);
    },
  ],
  [
    "GCP deploy account: service account admin on the workload's accounts (tokenCreator to anyone)",
    "BP_GCP_11",
    grantDeployAccount("sa-admin", "roles/iam.serviceAccountAdmin"),
  ],
  [
    "Azure deploy identity: User Access Administrator on the subscription",
    "BP_AZ_5",
    assignOnSubscription("uaa", "User Access Administrator"),
  ],
  [
    "Azure deploy identity: any branch (flexible credential)",
    "BP_AZ_6",
    (stack) => {
      const identity = stack.azure?.identities.get(prod.config.name)?.deploy;
      new ApplicationFlexibleFederatedIdentityCredential(stack, "any-branch", {
        applicationId: identity?.application.id as string,
        displayName: "any",
        issuer: issuerUrl(config.gitlab),
        audience: audience("azure", prod.config.name, "deploy"),
        claimsMatchingExpression: `claims['sub'] matches 'project_path:${config.gitlab.projectPath}:ref_type:branch:ref:*'`,
      });
    },
  ],
  ...(["roles/owner", "roles/editor", "roles/viewer"] as const).map(
    (role): [string, string, (stack: BootstrapStack) => void] => [
      `GCP deploy account: ${role}`,
      "CKV_GCP_117",
      grantDeployAccount("basic", role),
    ],
  ),
  [
    "GCP deploy account: project IAM admin without a condition",
    "BP_GCP_5",
    grantDeployAccount("iam-admin", "roles/resourcemanager.projectIamAdmin"),
  ],
  [
    "GCP deploy account: project IAM admin again, even conditioned to run.builder",
    "BP_GCP_11",
    (stack) =>
      new ProjectIamMember(gcpOf(stack), "iam-admin-conditioned", {
        provider: gcpOf(stack).provider,
        project: prod.config.gcp?.project as string,
        role: "roles/resourcemanager.projectIamAdmin",
        member: gcpOf(stack).serviceAccounts.get(prod.config.name)?.deploy.member as string,
        condition: {
          title: "workload-roles-only",
          expression: "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/run.builder'])",
        },
      }),
  ],
  [
    "GCP deploy account: service account user on the whole project",
    "CKV_GCP_49",
    grantDeployAccount("sa-user", "roles/iam.serviceAccountUser"),
  ],
  [
    "GCP deploy account: impersonable by the whole pool",
    "BP_GCP_7",
    (stack) =>
      new ServiceAccountIamMember(gcpOf(stack), "whole-pool", {
        provider: gcpOf(stack).provider,
        serviceAccountId: gcpOf(stack).serviceAccounts.get(prod.config.name)?.deploy.name as string,
        role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/${gcpOf(stack).pool.name}/*`,
      }),
  ],
  [
    "GCP pool provider: no attribute condition",
    "BP_GCP_6",
    (stack) => gcpOf(stack).poolProvider.resetAttributeCondition(),
  ],
];

describe("the policy pack on the bootstrap stack", () => {
  it("passes the stack as built (the workload identities' roles on their own group, and the plan identity's secret read for refresh, are accepted with a reason)", () => {
    const { stack } = build();
    Testing.synth(stack, true);
    const findings = policyFindings(stack);
    expect(findings.filter((f) => f.level === "error" && f.suppressedBecause === undefined)).toEqual([]);
    const accepted = findings.filter((f) => f.suppressedBecause !== undefined).map((f) => [f.ruleId, f.path]);
    expect(accepted.sort()).toEqual(
      config.environments
        .flatMap((env) => [
          ["BP_AZ_9", `bootstrap/azure/${env.config.name}-plan-key-vault-secrets-user`],
          ...["function/storage-blob-data-owner", "function/monitoring-metrics-publisher", "container/acrpull"]
            .concat("function/key-vault-secrets-user", "container/key-vault-secrets-user")
            .map((path) => ["BP_AZ_10", `bootstrap/azure/${env.config.name}-workload/${path}`]),
        ])
        .sort(),
    );
    expect(dev).toBeDefined();
  });

  // Shipped prod keeps its state in S3; forks without AWS put it in GCS or Azure storage (found by fork:check).
  it.each(["gcp", "azure"] as const)("passes with the protected environment's state store in %s", (cloud) => {
    const environments = twoEnvironments().map((env) =>
      env.protect === true ? { ...env, backend: { type: "cloud" as const, cloud } } : env,
    );
    const app = testApp();
    const stack = new BootstrapStack(app, { config: bootstrapConfig(environments) });
    Testing.synth(stack, true);
    const findings = policyFindings(stack);
    expect(findings.filter((f) => f.level === "error" && f.suppressedBecause === undefined)).toEqual([]);
    // Azure's plan identity writes the state lock (a blob lease) on its own container: accepted with a reason.
    const state = findings.filter((f) => f.path?.includes("-state/") && f.suppressedBecause !== undefined);
    expect(state.map((f) => [f.ruleId, f.path])).toEqual(
      cloud === "azure" ? [["BP_AZ_9", `bootstrap/${prod.config.name}-state/plan-state`]] : [],
    );
  });

  it.each(MUTATIONS)("fails %s with %s", (_name, rule, mutate) => {
    expect(errorsAfter(mutate)).toContain(rule);
  });

  it("stops app.synth() on such a finding, as `npm run synth` does", () => {
    const { app, stack } = build();
    MUTATIONS[0][2](stack);
    expect(() => app.synth()).toThrow(/BP_AWS_2/);
  });
});
