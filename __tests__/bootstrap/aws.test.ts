import { ID_TOKENS } from "../../ci/identity";
import { AWS_DEPLOY_IAM_ACTIONS } from "../../lib/bootstrap/aws";
import { environmentInput } from "../helpers/environments";
import {
  all,
  awsCanAssume,
  bootstrapConfig,
  bootstrapInput,
  HOST,
  iamLike,
  referenced,
  synthBootstrap,
  token,
} from "./helpers";

const json = synthBootstrap();
const roles = all(json, "aws_iam_role");
const role = (name: string) => {
  const found = roles.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no role ${name}`);
  return found as { name: string; assume_role_policy: string; provider: string };
};
const aud = ID_TOKENS.aws.audience;

describe("bootstrap on AWS", () => {
  it("registers the GitLab issuer once per account, with the pipeline's AWS audience as client id", () => {
    const providers = all(json, "aws_iam_openid_connect_provider");
    expect(providers).toHaveLength(2);
    for (const provider of providers) {
      expect(provider.url).toBe(`https://${HOST}`);
      expect(provider.client_id_list).toEqual([aud]);
    }
    expect(providers.map((p) => p.provider).sort()).toEqual(["aws.account-111111111111", "aws.account-333333333333"]);
  });

  it("gives every environment a plan and a deploy role, in its own account", () => {
    expect(roles.map((r) => r.name).sort()).toEqual([
      "ci-shop-dev-deploy",
      "ci-shop-dev-plan",
      "ci-shop-prod-deploy",
      "ci-shop-prod-plan",
    ]);
    expect(role("ci-shop-prod-deploy").provider).toBe("aws.account-333333333333");
    expect(JSON.parse(role("ci-shop-prod-deploy").assume_role_policy).Statement[0].Principal.Federated).toBe(
      `arn:aws:iam::333333333333:oidc-provider/${HOST}`,
    );
  });

  it("lets only a job of the protected default branch assume a deploy role", () => {
    const policy = role("ci-shop-prod-deploy").assume_role_policy;
    expect(awsCanAssume(policy, HOST, token(aud))).toBe(true);
    // A merge-request pipeline runs on its source branch.
    expect(awsCanAssume(policy, HOST, token(aud, { ref: "feature/x", ref_protected: "false" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(aud, { ref_type: "tag", ref: "main" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token(aud, { ref: "main-evil" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token("sts.example.net"))).toBe(false);
  });

  it("holds the deploy trust to exact values: StringEquals on aud and sub, no wildcard anywhere", () => {
    for (const name of ["ci-shop-dev-deploy", "ci-shop-prod-deploy"]) {
      const statement = JSON.parse(role(name).assume_role_policy).Statement[0];
      expect(statement.Condition).toEqual({
        StringEquals: {
          [`${HOST}:aud`]: aud,
          [`${HOST}:sub`]: "project_path:acme/platform/blueprint:ref_type:branch:ref:main",
        },
      });
      expect(role(name).assume_role_policy).not.toMatch(/[*?]/);
    }
  });

  it("lets any branch of the project assume a plan role, and nothing else", () => {
    const policy = role("ci-shop-dev-plan").assume_role_policy;
    expect(awsCanAssume(policy, HOST, token(aud))).toBe(true);
    expect(awsCanAssume(policy, HOST, token(aud, { ref: "feature/x", ref_protected: "false" }))).toBe(true);
    expect(awsCanAssume(policy, HOST, token(aud, { ref_type: "tag", ref: "v1.0.0" }))).toBe(false);
    expect(awsCanAssume(policy, HOST, token("sts.example.net", { ref: "feature/x" }))).toBe(false);
    const condition = JSON.parse(policy).Statement[0].Condition;
    expect(condition.StringEquals).toEqual({ [`${HOST}:aud`]: aud });
    // The only wildcard is the branch name, at the very end; the project path is literal.
    expect(condition.StringLike).toEqual({
      [`${HOST}:sub`]: "project_path:acme/platform/blueprint:ref_type:branch:ref:*",
    });
  });

  it("lets no other project assume anything, whatever its path looks like", () => {
    const others = [
      { project_path: "acme/platform/blueprint-fork" },
      { project_path: "acme/platform" },
      { project_path: "evil/blueprint" },
      { project_path: "acme/platform/blueprint/sub" },
    ];
    for (const r of roles) {
      for (const other of others) {
        expect(awsCanAssume(r.assume_role_policy as string, HOST, token(aud, other))).toBe(false);
        expect(awsCanAssume(r.assume_role_policy as string, HOST, token(aud, { ...other, ref: "feature" }))).toBe(
          false,
        );
      }
      // The same path on another GitLab host is another issuer: its provider is not trusted.
      expect(awsCanAssume(r.assume_role_policy as string, "gitlab.com", token(aud))).toBe(false);
    }
  });

  it("gives plan read-only access and deploy power-user access plus IAM on the workload's roles only", () => {
    const attachments = all(json, "aws_iam_role_policy_attachment")
      .map((a) => `${referenced(json, a.role).resource.name}|${a.policy_arn}`)
      .sort();
    expect(attachments).toEqual([
      "ci-shop-dev-deploy|arn:aws:iam::aws:policy/PowerUserAccess",
      "ci-shop-dev-plan|arn:aws:iam::aws:policy/ReadOnlyAccess",
      "ci-shop-prod-deploy|arn:aws:iam::aws:policy/PowerUserAccess",
      "ci-shop-prod-plan|arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
    const inline = all(json, "aws_iam_role_policy").map((p) => ({
      role: referenced(json, p.role).resource.name,
      name: p.name,
      statement: JSON.parse(p.policy as string).Statement[0],
    }));
    expect(inline.map((p) => `${p.role}/${p.name}`).sort()).toEqual([
      "ci-shop-dev-deploy/workload-roles",
      "ci-shop-dev-plan/secure-parameters",
      "ci-shop-prod-deploy/workload-roles",
      "ci-shop-prod-plan/secure-parameters",
    ]);
    // Plan's one extra: decrypt only through SSM (refreshing a SecureString parameter), no write.
    const plan = inline.find((p) => p.role === "ci-shop-dev-plan")?.statement;
    expect(plan).toMatchObject({
      Action: "kms:Decrypt",
      Condition: { StringLike: { "kms:ViaService": "ssm.*.amazonaws.com" } },
    });
    const statement = inline.find((p) => p.role === "ci-shop-dev-deploy")?.statement;
    expect(statement.Action).toEqual([...AWS_DEPLOY_IAM_ACTIONS]);
    expect(statement.Action).not.toContain("iam:*");
    expect(statement.Resource).toBe("arn:aws:iam::111111111111:role/shop-dev-*");
    // The CI roles themselves are outside what deploy may manage.
    for (const name of ["ci-shop-dev-deploy", "ci-shop-dev-plan"]) {
      expect(iamLike(statement.Resource, `arn:aws:iam::111111111111:role/${name}`)).toBe(false);
    }
    expect(iamLike(statement.Resource, "arn:aws:iam::111111111111:role/shop-dev-ecs-task")).toBe(true);
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
    expect(all(shared, "aws_iam_role")).toHaveLength(4);
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
