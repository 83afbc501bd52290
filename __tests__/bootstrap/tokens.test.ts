/**
 * The trust of the shipped configuration (environments/ and
 * environments/bootstrap.ts), evaluated on every cloud against realistic
 * id_tokens: the claims GitLab puts in the token of a job of the committed
 * `.gitlab-ci.yml`, in the pipeline it runs in. Only the deploy job of a
 * protected environment, on the default branch, may deploy it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Jobs } from "../../ci/pipeline/model";
import { bootstrap } from "../../environments/bootstrap";
import { azureRoleGrant } from "../../lib/azure/permissions";
import { awsRoleName } from "../../lib/bootstrap/aws";
import { gcpServiceAccountId } from "../../lib/bootstrap/gcp";
import { type BootstrapEnvironment, loadBootstrap } from "../../lib/config/bootstrap";
import type { Cloud } from "../../lib/config/schema";
import { gcpRoleGrant } from "../../lib/gcp/permissions";
import { ID_TOKENS, IDENTITY_PURPOSES, type IdentityPurpose } from "../../lib/identity";
import { matches } from "../../lib/permissions/coverage";
import { itWithCloud } from "../helpers/clouds";
import { shippedEnvironments } from "../helpers/environments";
import { referenced } from "../helpers/terraform";
import {
  AWS_POWER_USER_ACCESS,
  all,
  awsRoleAccepts,
  azureCanSignIn,
  type Claims,
  gcpCanImpersonate,
  gcpConditionHolds,
  iamAllows,
  synthBootstrap,
} from "./helpers";

const pipeline = parse(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8")) as Jobs;
const config = loadBootstrap(bootstrap, shippedEnvironments());
const json = synthBootstrap(config);
const { host, projectPath, projectId, defaultBranch } = config.gitlab;

// The environment under attack: a protected one (the shipped config protects its production), and another one.
const target = config.environments.find((env) => env.config.protect) ?? config.environments.at(-1);
const other = config.environments.find((env) => env !== target);

/** Where a pipeline runs: the ref and project GitLab writes into every token of it. */
interface Pipeline {
  readonly ref_type: "branch" | "tag";
  readonly ref: string;
  readonly ref_protected: "true" | "false";
  readonly project_path: string;
  readonly project_id: string;
}

const onDefaultBranch: Pipeline = {
  ref_type: "branch",
  ref: defaultBranch,
  ref_protected: "true",
  project_path: projectPath,
  project_id: String(projectId),
};

/** The token GitLab mints for `cloud` in job `name` (as the YAML declares it) running in `where`. */
function jobToken(name: string, cloud: Cloud, where: Pipeline): Claims {
  const job = pipeline[name];
  if (job === undefined) throw new Error(`no job ${name} in .gitlab-ci.yml`);
  const aud = job.id_tokens?.[ID_TOKENS[cloud].variable]?.aud;
  if (aud === undefined) throw new Error(`${name} requests no ${cloud} token`);
  const environment = job.environment;
  return {
    aud,
    ...where,
    job_id: "4711",
    ...(environment === undefined
      ? {}
      : {
          environment: environment.name,
          deployment_tier: environment.deployment_tier,
          environment_protected: config.gitlab.protectedEnvironments ? "true" : "false",
        }),
  };
}

/** Whether `claims` get the identity of `env` and `purpose` on `cloud`. */
function accepted(cloud: Cloud, env: BootstrapEnvironment, purpose: IdentityPurpose, claims: Claims): boolean {
  const name = env.config.name;
  if (cloud === "aws") return awsRoleAccepts(json, host, awsRoleName(config.company.service, name, purpose), claims);
  if (cloud === "azure") {
    const application = all(json, "azuread_application").find(
      (a) =>
        (a.tags as string[]).includes(`environment:${name}`) && (a.tags as string[]).includes(`purpose:${purpose}`),
    );
    if (application === undefined) throw new Error(`no Azure application for ${name}/${purpose}`);
    return azureCanSignIn(json, host, application.display_name as string, claims);
  }
  const project = env.config.gcp?.project as string;
  return gcpCanImpersonate(json, host, gcpServiceAccountId(name, purpose), project, claims);
}

/** The eight tokens of the threat model, for one cloud, by what they stand for. */
function scenarios(cloud: Cloud): Record<string, Claims[]> {
  if (target === undefined || other === undefined) throw new Error("the shipped config needs two environments");
  const t = target.config.name;
  const deploy = jobToken(`deploy:${t}`, cloud, onDefaultBranch);
  const branch: Pipeline = { ...onDefaultBranch, ref: "feature/take-over", ref_protected: "false" };
  return {
    [`deploy:${t} on the default branch`]: [deploy],
    [`plan:${t} on the default branch`]: [jobToken(`plan:${t}`, cloud, onDefaultBranch)],
    [`drift:${t} (schedule)`]: [jobToken(`drift:${t}`, cloud, onDefaultBranch)],
    [`deploy:${other.config.name}'s token presented to ${t}`]: [
      jobToken(`deploy:${other.config.name}`, cloud, onDefaultBranch),
    ],
    // A Developer's branch may rewrite its .gitlab-ci.yml: it asks for every token the real jobs of the target ask for.
    "a merge-request pipeline": [
      jobToken(`deploy:${t}`, cloud, branch),
      jobToken(`plan:${t}`, cloud, branch),
      jobToken(`drift:${t}`, cloud, branch),
      jobToken(`publish:${t}`, cloud, branch),
    ],
    "a tag pipeline": [jobToken(`deploy:${t}`, cloud, { ...onDefaultBranch, ref_type: "tag", ref: "v1.0.0" })],
    // A fork, or any project of the same GitLab: same jobs, same branch, its own path and id. (A new project
    // reusing this path after a rename has another id: only GCP can tell, see gcp.test.ts and docs/bootstrap.md.)
    "another project": [
      jobToken(`deploy:${t}`, cloud, { ...onDefaultBranch, project_path: `${projectPath}-fork`, project_id: "1" }),
      jobToken(`deploy:${t}`, cloud, {
        ...onDefaultBranch,
        project_path: `${projectPath.split("/")[0]}-evil/${projectPath.split("/").slice(1).join("/")}`,
        project_id: String(projectId + 1),
      }),
    ],
    // Runs on every default-branch push, before anyone approves the deploy.
    [`publish:${t} on the default branch`]: [jobToken(`publish:${t}`, cloud, onDefaultBranch)],
  };
}

const clouds = (target?.clouds ?? []) as Cloud[];

describe("the trust of a protected environment, against the tokens of the threat model", () => {
  it("is a protected environment on every cloud, next to another environment", () => {
    expect(target?.config.protect).toBe(true);
    expect(other).toBeDefined();
    expect([...clouds].sort()).toEqual([...(config.clouds as Cloud[])].sort());
  });

  /** Which tokens of each scenario `purpose`'s identity of the target accepts, against which should (by scenario index). */
  function verdicts(cloud: Cloud, purpose: IdentityPurpose, acceptedScenarios: readonly number[]) {
    const all = Object.entries(scenarios(cloud));
    return {
      got: all.map(([scenario, tokens]) => [
        scenario,
        tokens.map((claims) => accepted(cloud, target as BootstrapEnvironment, purpose, claims)),
      ]),
      expected: all.map(([scenario, tokens], index) => [scenario, tokens.map(() => acceptedScenarios.includes(index))]),
    };
  }

  it.each(clouds)("lets only its deploy job on the default branch deploy it on %s", (cloud) => {
    const { got, expected } = verdicts(cloud, "deploy", [0]);
    expect(got).toEqual(expected);
  });

  it.each(clouds)("lets only the default branch's plan and drift jobs plan it on %s", (cloud) => {
    const { got, expected } = verdicts(cloud, "plan", [1, 2]);
    expect(got).toEqual(expected);
  });

  it.each(clouds)("lets only its publish job on the default branch push its images on %s", (cloud) => {
    const { got, expected } = verdicts(cloud, "publish", [7]);
    expect(got).toEqual(expected);
  });
});

describe("every identity of the shipped configuration", () => {
  it("accepts the tokens of exactly one environment and purpose", () => {
    for (const cloud of config.clouds as Cloud[]) {
      const envs = config.environments.filter((env) => env.clouds.includes(cloud));
      for (const env of envs) {
        for (const purpose of IDENTITY_PURPOSES) {
          const job = `${purpose}:${env.config.name}`;
          const token = jobToken(job, cloud, onDefaultBranch);
          const fits = envs.flatMap((candidate) =>
            IDENTITY_PURPOSES.filter((p) => accepted(cloud, candidate, p, token)).map(
              (p) => `${p}:${candidate.config.name}`,
            ),
          );
          expect({ cloud, job, fits }).toEqual({ cloud, job, fits: [job] });
        }
      }
    }
  });
});

/**
 * Issue 26, "Deploy identities still administer IAM": the protected
 * environment's deploy identity (what its deploy job's token gets, above)
 * could plant lasting access. Each escape, against what bootstrap now grants.
 */
describe("the protected environment's deploy identity cannot plant lasting access", () => {
  const name = target?.config.name as string;
  const service = config.company.service;
  const referencedName = (reference: unknown) => referenced(json, reference).resource.name;

  itWithCloud("aws")(
    "AWS: cannot make or re-trust a role (an outside account in its trust), with or without the boundary",
    () => {
      const accountId = target?.config.aws?.accountId as string;
      const deployRole = awsRoleName(service, name, "deploy");
      const inline = all(json, "aws_iam_role_policy")
        .filter((p) => referencedName(p.role) === deployRole)
        .map((p) => String(p.policy));
      const managed = all(json, "aws_iam_role_policy_attachment")
        .filter((a) => referencedName(a.role) === deployRole)
        .map((a) => a.policy_arn);
      expect(managed).toEqual(["arn:aws:iam::aws:policy/PowerUserAccess"]);
      const policies = [...inline, AWS_POWER_USER_ACCESS];
      const boundary = {
        "iam:PermissionsBoundary": `arn:aws:iam::${accountId}:policy/ci-${service}-${name}-workload-boundary`,
      };
      const workloadRoles = all(json, "aws_iam_role")
        .map((r) => String(r.name))
        .filter((r) => r.startsWith(`${service}-${name}-`));
      expect(workloadRoles.length).toBeGreaterThan(0);
      for (const role of [...workloadRoles, `${service}-${name}-planted`]) {
        const resource = `arn:aws:iam::${accountId}:role/${role}`;
        for (const action of [
          "iam:CreateRole",
          "iam:UpdateRole",
          // An outside account in the trust policy: a lasting way in that outlives the job's token.
          "iam:UpdateAssumeRolePolicy",
          "iam:PutRolePolicy",
          "iam:AttachRolePolicy",
          "iam:PutRolePermissionsBoundary",
          "iam:DeleteRolePermissionsBoundary",
        ]) {
          for (const context of [undefined, boundary]) {
            expect({ role, action, allowed: iamAllows(policies, { action, resource, context }) }).toEqual({
              role,
              action,
              allowed: false,
            });
          }
        }
      }
      // Nor widen a policy in place: the workload boundary (every workload role carries it), or any other.
      for (const policy of [`ci-${service}-${name}-workload-boundary`, `${service}-${name}-planted`]) {
        const resource = `arn:aws:iam::${accountId}:policy/${policy}`;
        for (const action of ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]) {
          expect({ policy, action, allowed: iamAllows(policies, { action, resource }) }).toEqual({
            policy,
            action,
            allowed: false,
          });
        }
      }
      // PassRole: the workload's roles to their own service only; never a CI role, an admin role or a planted one.
      const passRole = (role: string, service: string) =>
        iamAllows(policies, {
          action: "iam:PassRole",
          resource: `arn:aws:iam::${accountId}:role/${role}`,
          context: { "iam:PassedToService": service },
        });
      const passable = workloadRoles.filter((role) => passRole(role, "lambda.amazonaws.com"));
      expect(passable.length).toBeGreaterThan(0);
      for (const role of passable)
        expect({ role, ec2: passRole(role, "ec2.amazonaws.com") }).toEqual({ role, ec2: false });
      for (const role of [
        awsRoleName(service, name, "deploy"),
        awsRoleName(service, name, "plan"),
        "OrganizationAccountAccessRole",
        `${service}-${name}-planted`,
      ]) {
        for (const to of ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]) {
          expect({ role, to, allowed: passRole(role, to) }).toEqual({ role, to, allowed: false });
        }
      }
    },
  );

  itWithCloud("gcp")(
    "GCP: cannot grant run.builder or tokenCreator to any member, make an account, or set IAM on a secret or bucket",
    () => {
      const deployAccount = gcpServiceAccountId(name, "deploy");
      const bindings = all(json, "google_project_iam_member").filter(
        (m) => referenced(json, m.member).resource.account_id === deployAccount,
      );
      expect(bindings.length).toBeGreaterThan(0);
      /** What each binding's role allows: a predefined role as documented, a custom role as written. */
      const grants = bindings.map((m) => {
        const role = String(m.role);
        if (role.startsWith("roles/")) return gcpRoleGrant(role);
        const custom = referenced(json, role).resource;
        return { name: String(custom.role_id), statements: [{ allow: custom.permissions as string[] }] };
      });
      const allows = (permission: string) =>
        grants
          .filter((grant) =>
            grant.statements.some(
              (s) =>
                s.allow.some((p) => matches(p, permission)) &&
                !((s as { except?: string[] }).except ?? []).some((p) => matches(p, permission)),
            ),
          )
          .map((grant) => grant.name);
      for (const permission of [
        // Granting run.builder (or any role) on the project; tokenCreator (or any role) on a workload account.
        "resourcemanager.projects.setIamPolicy",
        "iam.serviceAccounts.setIamPolicy",
        "iam.serviceAccounts.create",
        "iam.serviceAccountKeys.create",
        "iam.serviceAccounts.getAccessToken",
        "iam.roles.create",
        "iam.roles.update",
        // Sharing a secret or a bucket (its objects) with an outside member.
        "secretmanager.secrets.setIamPolicy",
        "storage.buckets.setIamPolicy",
        "storage.objects.setIamPolicy",
        "storage.managedFolders.setIamPolicy",
        "cloudfunctions.functions.setIamPolicy",
        "run.jobs.setIamPolicy",
      ]) {
        expect({ permission, roles: allows(permission) }).toEqual({ permission, roles: [] });
      }
      // It still deploys as the workload's accounts, and makes its secrets and buckets.
      expect(allows("iam.serviceAccounts.actAs")).toEqual(["roles/iam.serviceAccountUser"]);
      expect(allows("secretmanager.secrets.create").length).toBe(1);
      expect(allows("storage.buckets.create").length).toBe(1);
      // The one grant left: public invocation of its own Cloud Run services (docs/bootstrap.md, residual risks).
      expect(allows("run.services.setIamPolicy")).toEqual([expect.stringMatching(/^ciDeployInvoker_/)]);
    },
  );

  itWithCloud("gcp")("GCP: sets IAM on another environment's Cloud Run service → refused by the condition", () => {
    const project = target?.config.gcp?.project as string;
    const region = target?.config.gcp?.region as string;
    const deployAccount = gcpServiceAccountId(name, "deploy");
    const bindings = all(json, "google_project_iam_member").filter(
      (m) => referenced(json, m.member).resource.account_id === deployAccount,
    );
    /** Whether a binding of the deploy account allows `permission` on Cloud Run service `service`, its condition evaluated. */
    const allowed = (permission: string, service: string) =>
      bindings.some((m) => {
        const role = String(m.role);
        const permissions = role.startsWith("roles/")
          ? gcpRoleGrant(role).statements.flatMap((s) => s.allow)
          : (referenced(json, role).resource.permissions as string[]);
        if (!permissions.some((p) => matches(p, permission))) return false;
        const condition = (m.condition as { expression?: string } | undefined)?.expression;
        return (
          condition === undefined ||
          gcpConditionHolds(condition, {
            type: "run.googleapis.com/Service",
            name: `projects/${project}/locations/${region}/services/${service}`,
          })
        );
      });
    // Its own services: the public invoker it grants.
    for (const kind of ["fn", "run"]) {
      expect(allowed("run.services.setIamPolicy", `${service}-${name}-${kind}`)).toBe(true);
    }
    // Another environment's (in a shared project), or any other service of the project: no grant of any role.
    const others = [
      ...config.environments
        .map((env) => env.config.name)
        .filter((env) => env !== name)
        .flatMap((env) => [`${service}-${env}-run`, `${service}-${env}-fn`]),
      `${service}-${name}x-run`,
      "billing-api",
    ];
    for (const other of others) {
      expect({ other, allowed: allowed("run.services.setIamPolicy", other) }).toEqual({ other, allowed: false });
    }
  });

  itWithCloud("azure")(
    "Azure: cannot make an identity, federate it to any issuer, or assign any role (Key Vault Secrets User to an outside principal included)",
    () => {
      const application = all(json, "azuread_application").find(
        (a) => (a.tags as string[]).includes(`environment:${name}`) && (a.tags as string[]).includes("purpose:deploy"),
      );
      const assignments = all(json, "azurerm_role_assignment").filter((a) => {
        const principal = referenced(json, a.principal_id);
        return (
          principal.type === "azuread_service_principal" &&
          referenced(json, principal.resource.client_id).resource === application
        );
      });
      expect(assignments.length).toBeGreaterThan(0);
      /** What each assignment's role allows: a built-in role as documented, or the custom role as written. */
      const grants = assignments.map((a) => {
        if (a.role_definition_name !== undefined)
          return { assignment: a, grant: azureRoleGrant(String(a.role_definition_name)) };
        const definition = referenced(json, a.role_definition_id).resource;
        const [permissions] = definition.permissions as { actions: string[]; not_actions?: string[] }[];
        const statements = [{ allow: permissions.actions, except: permissions.not_actions ?? [] }];
        return { assignment: a, grant: { name: String(definition.name), statements } };
      });
      const holders = (permission: string) =>
        grants
          .filter(({ grant }) =>
            grant.statements.some(
              (s) =>
                s.allow.some((p) => matches(p, permission)) && !(s.except ?? []).some((p) => matches(p, permission)),
            ),
          )
          .map(({ grant }) => grant.name);
      for (const permission of [
        "Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
        "Microsoft.Authorization/roleDefinitions/write",
      ]) {
        expect({ permission, roles: holders(permission) }).toEqual({ permission, roles: [] });
      }
      // No role assignment at all, under any condition: it cannot give a planted or outside principal, itself or
      // another CI identity Key Vault Secrets User (or any data role). The Function App reads its secrets with the
      // identity bootstrap granted (issue 26), so nothing in the environment stack assigns a role.
      for (const permission of [
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete",
      ]) {
        expect({ permission, roles: holders(permission) }).toEqual({ permission, roles: [] });
      }
      expect(grants.every(({ assignment }) => assignment.condition === undefined)).toBe(true);
    },
  );
});
