import { bootstrap } from "../../environments/bootstrap";
import { workloadBoundaryArn } from "../../lib/aws/identity";
import { loadBootstrap } from "../../lib/config/bootstrap";
import { itWithCloud } from "../helpers/clouds";
import { environmentInput, shippedEnvironments, synthEnvironment } from "../helpers/environments";
import { only } from "../helpers/terraform";
import {
  AWS_POWER_USER_ACCESS,
  all,
  audiencesOf,
  awsCanAssume,
  bootstrapConfig,
  bootstrapInput,
  HOST,
  iamAllows,
  referenced,
  SERVICE,
  synthBootstrap,
  token,
} from "./helpers";

const json = synthBootstrap();
const role = (name: string) =>
  only(json, "aws_iam_role", (r) => r.name === name) as { name: string; assume_role_policy: string; provider: string };
// The CI roles; bootstrap also makes the workload's roles (lib/bootstrap/workload/aws.ts).
const roles = all(json, "aws_iam_role").filter((r) => String(r.name).startsWith("ci-"));

const aud = audiencesOf("aws");

describe("bootstrap on AWS", () => {
  it("registers the GitLab issuer once per account, with the audiences of that account's roles as client ids", () => {
    const providers = all(json, "aws_iam_openid_connect_provider");
    expect(providers).toHaveLength(2);
    for (const provider of providers) expect(provider.url).toBe(`https://${HOST}`);
    expect(providers.map((p) => [p.provider, p.client_id_list])).toEqual([
      ["aws.account-111111111111", [aud("dev", "plan"), aud("dev", "deploy"), aud("dev", "publish")]],
      ["aws.account-333333333333", [aud("prod", "plan"), aud("prod", "deploy"), aud("prod", "publish")]],
    ]);
    expect(providers.map((p) => p.provider).sort()).toEqual(["aws.account-111111111111", "aws.account-333333333333"]);
  });

  it("gives every environment a plan, a deploy and a publish role, in its own account", () => {
    expect(roles.map((r) => r.name).sort()).toEqual([
      `ci-${SERVICE}-dev-deploy`,
      `ci-${SERVICE}-dev-plan`,
      `ci-${SERVICE}-dev-publish`,
      `ci-${SERVICE}-prod-deploy`,
      `ci-${SERVICE}-prod-plan`,
      `ci-${SERVICE}-prod-publish`,
    ]);
    expect(role(`ci-${SERVICE}-prod-deploy`).provider).toBe("aws.account-333333333333");
    expect(JSON.parse(role(`ci-${SERVICE}-prod-deploy`).assume_role_policy).Statement[0].Principal.Federated).toBe(
      `arn:aws:iam::333333333333:oidc-provider/${HOST}`,
    );
  });

  it("lets only a job of the protected default branch with the deploy audience of that environment assume a deploy role", () => {
    const policy = role(`ci-${SERVICE}-prod-deploy`).assume_role_policy;
    const prod = aud("prod", "deploy");
    expect(awsCanAssume(policy, HOST, token(prod))).toBe(true);
    // A merge-request pipeline runs on its source branch.
    expect(awsCanAssume(policy, HOST, token(prod, { ref: "feature/x", ref_protected: "false" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(prod, { ref_type: "tag", ref: "main" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(prod, { ref: "main-evil" }))).toBe(false);
    // Another environment's deploy token, this environment's plan token, the old shared audience.
    expect(awsCanAssume(policy, HOST, token(aud("dev", "deploy")))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(aud("prod", "plan")))).toBe(false);
    expect(awsCanAssume(policy, HOST, token("sts.amazonaws.com"))).toBe(false);
  });

  it("holds the deploy trust to exact values: StringEquals on aud and sub, no wildcard anywhere", () => {
    for (const env of ["dev", "prod"]) {
      const name = `ci-${SERVICE}-${env}-deploy`;
      const statement = JSON.parse(role(name).assume_role_policy).Statement[0];
      expect(statement.Condition).toEqual({
        StringEquals: {
          [`${HOST}:aud`]: aud(env, "deploy"),
          [`${HOST}:sub`]: "project_path:acme/platform/blueprint:ref_type:branch:ref:main",
        },
      });
      expect(role(name).assume_role_policy).not.toMatch(/[*?]/);
    }
  });

  it("lets any branch of the project assume an unprotected environment's plan role, and nothing else", () => {
    const policy = role(`ci-${SERVICE}-dev-plan`).assume_role_policy;
    const dev = aud("dev", "plan");
    expect(awsCanAssume(policy, HOST, token(dev))).toBe(true);
    expect(awsCanAssume(policy, HOST, token(dev, { ref: "feature/x", ref_protected: "false" }))).toBe(true);
    expect(awsCanAssume(policy, HOST, token(dev, { ref_type: "tag", ref: "v1.0.0" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(aud("prod", "plan"), { ref: "feature/x" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(aud("dev", "deploy"), { ref: "feature/x" }))).toBe(false);
    const condition = JSON.parse(policy).Statement[0].Condition;
    expect(condition.StringEquals).toEqual({ [`${HOST}:aud`]: dev });
    // The only wildcard is the branch name, at the very end; the project path is literal.
    expect(condition.StringLike).toEqual({
      [`${HOST}:sub`]: "project_path:acme/platform/blueprint:ref_type:branch:ref:*",
    });
  });

  it("lets only the default branch assume a protected environment's plan role", () => {
    const policy = role(`ci-${SERVICE}-prod-plan`).assume_role_policy;
    const prod = aud("prod", "plan");
    expect(awsCanAssume(policy, HOST, token(prod))).toBe(true);
    expect(awsCanAssume(policy, HOST, token(prod, { ref: "feature/x", ref_protected: "false" }))).toBe(false);
    expect(JSON.parse(policy).Statement[0].Condition.StringLike).toBeUndefined();
  });

  it("lets no other project assume anything, whatever its path looks like", () => {
    const others = [
      { project_path: "acme/platform/blueprint-fork" },
      { project_path: "acme/platform" },
      { project_path: "evil/blueprint" },
      { project_path: "acme/platform/blueprint/sub" },
    ];
    for (const r of roles) {
      const [, , env, purpose] = String(r.name).split("-");
      const own = aud(env, purpose as "plan" | "deploy");
      expect(awsCanAssume(r.assume_role_policy as string, HOST, token(own))).toBe(true);
      for (const other of others) {
        expect(awsCanAssume(r.assume_role_policy as string, HOST, token(own, other))).toBe(false);
        expect(awsCanAssume(r.assume_role_policy as string, HOST, token(own, { ...other, ref: "feature" }))).toBe(
          false,
        );
      }
      // The same path on another GitLab host is another issuer: its provider is not trusted.
      expect(awsCanAssume(r.assume_role_policy as string, "gitlab.com", token(own))).toBe(false);
    }
  });

  it("gives plan read-only access and deploy power-user access plus PassRole on the workload's roles only", () => {
    const attachments = all(json, "aws_iam_role_policy_attachment")
      .map((a) => `${referenced(json, a.role).resource.name}|${a.policy_arn}`)
      .sort();
    expect(attachments).toEqual([
      `ci-${SERVICE}-dev-deploy|arn:aws:iam::aws:policy/PowerUserAccess`,
      `ci-${SERVICE}-dev-plan|arn:aws:iam::aws:policy/ReadOnlyAccess`,
      `ci-${SERVICE}-prod-deploy|arn:aws:iam::aws:policy/PowerUserAccess`,
      `ci-${SERVICE}-prod-plan|arn:aws:iam::aws:policy/ReadOnlyAccess`,
    ]);
    const inline = all(json, "aws_iam_role_policy")
      .map((p) => ({ role: String(referenced(json, p.role).resource.name), name: p.name, policy: String(p.policy) }))
      .filter((p) => p.role.startsWith("ci-"));
    expect(inline.map((p) => `${p.role}/${p.name}`).sort()).toEqual([
      `ci-${SERVICE}-dev-deploy/workload-roles`,
      `ci-${SERVICE}-dev-plan/secure-parameters`,
      `ci-${SERVICE}-dev-publish/publish-image`,
      `ci-${SERVICE}-prod-deploy/workload-roles`,
      `ci-${SERVICE}-prod-plan/secure-parameters`,
      // The protected environment's own state: its lock object and key (lib/bootstrap/state/aws.ts).
      `ci-${SERVICE}-prod-plan/state`,
      `ci-${SERVICE}-prod-publish/publish-image`,
    ]);
    // Publish: the registry token (account-wide in ECR) and pushes to the environment's own repository, nothing else.
    const publish = JSON.parse(inline.find((p) => p.role === `ci-${SERVICE}-prod-publish`)?.policy as string).Statement;
    expect(publish.map((s: { Effect: string }) => s.Effect)).toEqual(["Allow", "Allow"]);
    expect(publish[0]).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
    expect(publish[1].Resource).toBe(`arn:aws:ecr:eu-west-1:333333333333:repository/${SERVICE}-prod`);
    expect(publish[1].Action).toEqual(expect.arrayContaining(["ecr:PutImage", "ecr:UploadLayerPart"]));
    for (const action of publish[1].Action as string[]) expect(action).not.toMatch(/Delete|Policy|Create|\*/);
    // Plan's one extra: decrypt only through SSM (refreshing a SecureString parameter), no write.
    const plan = JSON.parse(inline.find((p) => p.role === `ci-${SERVICE}-dev-plan`)?.policy as string).Statement[0];
    expect(plan).toMatchObject({
      Action: "kms:Decrypt",
      Condition: { StringLike: { "kms:ViaService": "ssm.*.amazonaws.com" } },
    });
    const statements = JSON.parse(
      inline.find((p) => p.role === `ci-${SERVICE}-dev-deploy`)?.policy as string,
    ).Statement;
    const allows = statements.filter((s: { Effect: string }) => s.Effect === "Allow");
    expect(allows.map((s: { Action: string }) => s.Action)).toEqual(allows.map(() => "iam:PassRole"));
    for (const statement of allows) {
      // Named roles only, each to one service.
      for (const arn of statement.Resource as string[]) {
        expect(arn).toMatch(new RegExp(`^arn:aws:iam::111111111111:role/${SERVICE}-dev-[a-z0-9-]+$`));
      }
      expect(Object.keys(statement.Condition.StringEquals)).toEqual(["iam:PassedToService"]);
    }
  });

  itWithCloud("aws")(
    "makes every role each shipped environment's stack passes, with the environment's boundary",
    () => {
      const envs = shippedEnvironments();
      const boot = synthBootstrap(loadBootstrap(bootstrap, envs));
      const accountOf = (r: Record<string, unknown>) => String(r.provider).replace("aws.account-", "");
      const created = new Map(
        all(boot, "aws_iam_role").map((r) => [`arn:aws:iam::${accountOf(r)}:role/${r.name}`, r.permissions_boundary]),
      );
      const awsEnvs = envs.filter((env) => env.clouds.includes("aws"));
      expect(awsEnvs.length).toBeGreaterThan(0);
      for (const env of awsEnvs) {
        const stack = synthEnvironment(env).json;
        // The environment stack makes no role and no policy: it only passes bootstrap's.
        expect(all(stack, "aws_iam_role")).toEqual([]);
        expect(all(stack, "aws_iam_role_policy")).toEqual([]);
        const passed = [
          ...all(stack, "aws_lambda_function").map((f) => f.role),
          ...all(stack, "aws_ecs_task_definition").flatMap((t) => [t.execution_role_arn, t.task_role_arn]),
        ].map(String);
        expect(passed.length).toBeGreaterThan(0);
        const boundary = workloadBoundaryArn(env.aws?.accountId as string, { name: SERVICE, environment: env.name });
        for (const arn of passed) {
          expect({ env: env.name, arn, boundary: created.get(arn) }).toEqual({ env: env.name, arn, boundary });
        }
      }
    },
  );

  describe("the deploy role administers no identity", () => {
    const account = "111111111111";
    const policyOf = (name: string) => all(json, "aws_iam_role_policy").find((p) => p.name === name);
    const deploy = [policyOf("workload-roles")?.policy as string, AWS_POWER_USER_ACCESS];
    const boundaries = all(json, "aws_iam_policy");
    const boundary = boundaries.find((p) => p.name === `ci-${SERVICE}-dev-workload-boundary`);
    const boundaryArn = `arn:aws:iam::${account}:policy/ci-${SERVICE}-dev-workload-boundary`;
    const workloadRole = `arn:aws:iam::${account}:role/${SERVICE}-dev-ecs-task`;
    const withBoundary = { "iam:PermissionsBoundary": boundaryArn };

    it("creates one boundary per environment, named as lib/aws names it on every workload role", () => {
      expect(boundaries.map((p) => `${p.name}@${p.provider}`).sort()).toEqual([
        `ci-${SERVICE}-dev-workload-boundary@aws.account-111111111111`,
        `ci-${SERVICE}-prod-workload-boundary@aws.account-333333333333`,
      ]);
      expect(workloadBoundaryArn(account, { name: `${SERVICE}`, environment: "dev" })).toBe(boundaryArn);
      // Bootstrap's workload roles wait for the boundary they carry.
      const workloadRoles = all(json, "aws_iam_role").filter((r) => !String(r.name).startsWith("ci-"));
      expect(workloadRoles.length).toBeGreaterThan(0);
      for (const r of workloadRoles) expect(r.depends_on).toEqual([expect.stringMatching(/^aws_iam_policy\./)]);
    });

    it("escape closed: cannot create a role, or re-trust one to an outside account, with or without the boundary", () => {
      // The escape: CreateRole with the boundary, then UpdateAssumeRolePolicy trusting another account.
      const escapes: [string, string][] = [
        ["iam:CreateRole", `arn:aws:iam::${account}:role/${SERVICE}-dev-escalate`],
        ["iam:UpdateAssumeRolePolicy", workloadRole],
        ["iam:UpdateAssumeRolePolicy", `arn:aws:iam::${account}:role/${SERVICE}-dev-function`],
        ["iam:PutRolePolicy", workloadRole],
        ["iam:AttachRolePolicy", workloadRole],
        ["iam:DeleteRole", workloadRole],
        ["iam:PutRolePermissionsBoundary", workloadRole],
        ["iam:DeleteRolePermissionsBoundary", workloadRole],
        ["iam:CreatePolicyVersion", boundaryArn],
        ["iam:SetDefaultPolicyVersion", boundaryArn],
        ["iam:DeletePolicy", boundaryArn],
        ["iam:UpdateAssumeRolePolicy", `arn:aws:iam::${account}:role/ci-${SERVICE}-dev-deploy`],
        ["iam:PutRolePolicy", `arn:aws:iam::${account}:role/ci-${SERVICE}-dev-deploy`],
        ["iam:AttachRolePolicy", `arn:aws:iam::${account}:role/ci-${SERVICE}-prod-plan`],
        ["iam:UpdateOpenIDConnectProviderThumbprint", `arn:aws:iam::${account}:oidc-provider/${HOST}`],
        ["iam:AddClientIDToOpenIDConnectProvider", `arn:aws:iam::${account}:oidc-provider/${HOST}`],
        ["iam:CreateUser", `arn:aws:iam::${account}:user/backdoor`],
        ["iam:CreateAccessKey", `arn:aws:iam::${account}:user/backdoor`],
        ["iam:CreatePolicy", `arn:aws:iam::${account}:policy/${SERVICE}-dev-admin`],
      ];
      for (const [action, resource] of escapes) {
        for (const context of [undefined, withBoundary]) {
          expect({ action, resource, allowed: iamAllows(deploy, { action, resource, context }) }).toEqual({
            action,
            resource,
            allowed: false,
          });
        }
      }
    });

    it("passes the workload's roles only to the service each is for, and no other role", () => {
      const pass = (resource: string, service: string) =>
        iamAllows(deploy, { action: "iam:PassRole", resource, context: { "iam:PassedToService": service } });
      const fn = `arn:aws:iam::${account}:role/${SERVICE}-dev-function`;
      expect(pass(fn, "lambda.amazonaws.com")).toBe(true);
      expect(pass(workloadRole, "ecs-tasks.amazonaws.com")).toBe(true);
      expect(pass(fn, "ec2.amazonaws.com")).toBe(false);
      expect(pass(workloadRole, "lambda.amazonaws.com")).toBe(false);
      expect(pass(`arn:aws:iam::${account}:role/ci-${SERVICE}-dev-deploy`, "lambda.amazonaws.com")).toBe(false);
      expect(pass(`arn:aws:iam::${account}:role/${SERVICE}-prod-function`, "lambda.amazonaws.com")).toBe(false);
      expect(pass(`arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, "lambda.amazonaws.com")).toBe(false);
    });

    it("may still create the service-linked roles ECS and load balancing need", () => {
      const linked = `arn:aws:iam::${account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`;
      expect(iamAllows(deploy, { action: "iam:CreateServiceLinkedRole", resource: linked })).toBe(true);
    });

    it("caps every workload role below the deploy role: no IAM, no Organizations, the same denials", () => {
      const cap = [boundary?.policy as string];
      expect(iamAllows(cap, { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" })).toBe(true);
      expect(iamAllows(cap, { action: "logs:PutLogEvents", resource: "*" })).toBe(true);
      for (const action of ["iam:CreateRole", "iam:PassRole", "iam:PutRolePolicy", "organizations:LeaveOrganization"]) {
        expect({ action, allowed: iamAllows(cap, { action, resource: workloadRole, context: withBoundary }) }).toEqual({
          action,
          allowed: false,
        });
      }
      expect(iamAllows(cap, { action: "iam:DeleteRolePermissionsBoundary", resource: workloadRole })).toBe(false);
    });
  });

  it("shares one OIDC provider between environments in the same account, and assumes the admin role there", () => {
    const envs = [
      environmentInput({
        name: "dev",
        clouds: ["aws"],
        azure: undefined,
        gcp: undefined,
        weights: { "aws.function": 50, "aws.container": 50 },
      }),
      environmentInput({
        name: "staging",
        clouds: ["aws"],
        azure: undefined,
        gcp: undefined,
        weights: { "aws.function": 50, "aws.container": 50 },
      }),
    ];
    const shared = synthBootstrap(
      bootstrapConfig(
        envs,
        bootstrapInput(["dev", "staging"], { azure: undefined, aws: { adminRoleName: "OrgAdmin" } }),
      ),
    );
    expect(all(shared, "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(all(shared, "aws_iam_role").filter((r) => String(r.name).startsWith("ci-"))).toHaveLength(6);
    expect(shared.provider?.aws).toEqual([
      expect.objectContaining({
        allowed_account_ids: ["123456789012"],
        assume_role: [{ role_arn: "arn:aws:iam::123456789012:role/OrgAdmin", session_name: "gitlab-bootstrap" }],
      }),
    ]);
    expect(shared.resource?.azuread_application).toBeUndefined();
    expect(shared.resource?.google_service_account).toBeUndefined();
  });
});
