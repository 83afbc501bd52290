/**
 * What a merge-request job (any script: a Developer's branch rewrites its
 * .gitlab-ci.yml) can reach of a protected environment, evaluated on the
 * shipped configuration: no identity of it on any cloud, no variable of it,
 * and not its state, which lives in its own cloud behind policies that admit
 * only its plan and deploy identities and the administrator.
 */
import { bootstrap } from "../../environments/bootstrap";
import { awsRoleName } from "../../lib/bootstrap/aws";
import { gcpServiceAccountId } from "../../lib/bootstrap/gcp";
import { SECRET_PLACEHOLDER } from "../../lib/bootstrap/variables";
import { loadBootstrap } from "../../lib/config/bootstrap";
import type { Cloud } from "../../lib/config/schema";
import { type AwsStateLocation, stateCloud, stateLocation } from "../../lib/config/state";
import { audience, IDENTITY_PURPOSES, variableSuffix } from "../../lib/identity";
import { itWhen } from "../helpers/clouds";
import { shippedEnvironments, synthEnvironment } from "../helpers/environments";
import {
  all,
  awsRoleAccepts,
  azureCanSignIn,
  type Claims,
  gcpCanImpersonate,
  iamLike,
  synthBootstrap,
} from "./helpers";

const configs = shippedEnvironments();
const config = loadBootstrap(bootstrap, configs);
const json = synthBootstrap(config);
const { host, projectPath, projectId } = config.gitlab;
const protectedEnvs = config.environments.filter((env) => env.config.protect);

/** A merge-request job's token for `aud`: GitLab signs whatever audience the branch's YAML asks for. */
function mergeRequestToken(aud: string): Claims {
  return {
    aud,
    project_path: projectPath,
    project_id: String(projectId),
    ref_type: "branch",
    ref: "feature/take-over",
    ref_protected: "false",
    job_id: "4711",
  };
}

/** Every identity on `cloud` (as `<env>:<purpose>`) that some merge-request token obtains. */
function obtainable(cloud: Cloud): string[] {
  const envs = config.environments.filter((env) => env.clouds.includes(cloud));
  const audiences = envs.flatMap((env) => IDENTITY_PURPOSES.map((p) => audience(cloud, env.config.name, p)));
  const got: string[] = [];
  for (const env of envs) {
    const name = env.config.name;
    for (const purpose of IDENTITY_PURPOSES) {
      const accepts = (claims: Claims) => {
        if (cloud === "aws")
          return awsRoleAccepts(json, host, awsRoleName(config.company.service, name, purpose), claims);
        if (cloud === "gcp") {
          return gcpCanImpersonate(
            json,
            host,
            gcpServiceAccountId(name, purpose),
            env.config.gcp?.project as string,
            claims,
          );
        }
        const application = all(json, "azuread_application").find(
          (a) =>
            (a.tags as string[]).includes(`environment:${name}`) && (a.tags as string[]).includes(`purpose:${purpose}`),
        );
        return azureCanSignIn(json, host, application?.display_name as string, claims);
      };
      if (audiences.some((aud) => accepts(mergeRequestToken(aud)))) got.push(`${name}:${purpose}`);
    }
  }
  return got;
}

const haveProtected = protectedEnvs.length > 0;
const itProtected = itWhen(haveProtected, "this fork protects no environment");

describe("a merge-request job against a protected environment", () => {
  itProtected.each(config.clouds as Cloud[])(
    "obtains no identity of it on %s, and only plan identities at all",
    (cloud) => {
      const got = obtainable(cloud);
      for (const env of protectedEnvs) expect(got.filter((id) => id.startsWith(`${env.config.name}:`))).toEqual([]);
      expect(got.every((id) => id.endsWith(":plan"))).toBe(true);
      // The unprotected environments' plan identities stay within reach: merge requests plan them.
      expect(got.length).toBeGreaterThan(0);
    },
  );

  itProtected("sees none of its CI/CD variables: every one is protected (unprotected branches never get them)", () => {
    const variables = all(json, "gitlab_project_variable");
    for (const env of protectedEnvs) {
      const suffix = `_${variableSuffix(env.config.name)}`;
      const own = variables.filter((v) => new RegExp(`${suffix}(_PLAN|_DEPLOY|_PUBLISH)?$`).test(String(v.key)));
      // Identity variables of each cloud and both Cloudflare tokens.
      expect(own.length).toBeGreaterThanOrEqual(2 + env.clouds.length);
      expect(own.filter((v) => v.protected !== true).map((v) => v.key)).toEqual([]);
    }
    // The secrets are declared, never written: bootstrap's state holds a placeholder.
    for (const v of variables.filter((v) => v.masked === true)) expect(v.value).toBe(SECRET_PLACEHOLDER);
  });

  itProtected(
    "cannot read its state: not in GitLab, and its store admits only the environment's own identities",
    () => {
      for (const env of protectedEnvs) {
        const stack = synthEnvironment(env.config).json as { terraform?: { backend?: Record<string, unknown> } };
        const kinds = Object.keys(stack.terraform?.backend ?? {});
        // Neither GitLab-managed (the job token of any MR job reads it) nor local (CI would store it in GitLab).
        expect(kinds).toHaveLength(1);
        expect(["http", "local"]).not.toContain(kinds[0]);
        const obtainedHere = obtainable(
          stateCloud(env.config, env.config.backend.type === "cloud" ? env.config.backend.cloud : undefined),
        );
        expect(obtainedHere.filter((id) => id.startsWith(`${env.config.name}:`))).toEqual([]);
      }
    },
  );
});

/** The Terraform reference of the ARN of role `name` (what the store's policies name it by). */
function roleArnRef(name: string): string {
  const [id] = Object.entries((json.resource?.aws_iam_role ?? {}) as Record<string, { name?: string }>).find(
    ([, role]) => role.name === name,
  ) ?? [undefined];
  if (id === undefined) throw new Error(`no role ${name}`);
  return `\${aws_iam_role.${id}.arn}`;
}

type Statement = {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  NotResource?: string;
  Condition?: Record<string, Record<string, string | string[]>>;
};
const listOf = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** S3 with a bucket policy of Deny statements only: is `action` on `resource` by `principal` denied? */
function bucketDenies(statements: Statement[], principal: string, action: string, resource: string): boolean {
  return statements.some((s) => {
    if (s.Effect !== "Deny" || !listOf(s.Action).some((a) => iamLike(a, action))) return false;
    const inResource =
      s.NotResource !== undefined
        ? !iamLike(s.NotResource, resource)
        : listOf(s.Resource).some((r) => iamLike(r, resource));
    if (!inResource) return false;
    return Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        if (key === "aws:SecureTransport") return false; // the requests here use TLS
        if (operator === "ArnNotEquals") return !listOf(expected).includes(principal);
        if (operator === "ArnEquals") return listOf(expected).includes(principal);
        throw new Error(`unexpected ${operator}`);
      }),
    );
  });
}

/** KMS without IAM delegation: only a key policy statement naming the principal allows it. */
function keyAllows(statements: Statement[], principal: string, action: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      s.Principal !== "*" &&
      listOf(s.Principal?.AWS).includes(principal) &&
      listOf(s.Action).some((a) => iamLike(a, action)),
  );
}

const awsProtected = protectedEnvs.filter(
  (env) => env.config.backend.type === "cloud" && stateCloud(env.config, env.config.backend.cloud) === "aws",
);

describe("a protected environment's state in AWS", () => {
  itWhen(awsProtected.length > 0, "no protected environment of this fork keeps its state in AWS")(
    "is read by its plan and deploy roles and the administrator only; the plan writes only the lock",
    () => {
      for (const env of awsProtected) {
        const location = stateLocation(env.config, "aws") as AwsStateLocation;
        const bucket = all(json, "aws_s3_bucket").find((b) => b.bucket === location.bucket);
        expect(bucket).toBeDefined();
        const policyOf = (type: string) =>
          JSON.parse(
            String(
              all(json, type).find((p) => String(p.policy).includes(location.bucket) || type === "aws_kms_key")?.policy,
            ),
          ).Statement as Statement[];
        const bucketPolicy = policyOf("aws_s3_bucket_policy");
        // The state's key (the environment's image registry has a key of its own).
        const key = all(json, "aws_kms_key").find(
          (k) =>
            String(k.description).startsWith("Terraform state of ") &&
            String(k.description).includes(`${config.company.service}-${env.config.name}`),
        );
        const keyPolicy = JSON.parse(String(key?.policy)).Statement as Statement[];
        const adminStatement = keyPolicy.find((s) => s.Sid === "AdministratorManagesTheKey");
        const admin = String((adminStatement?.Principal as { AWS?: string } | undefined)?.AWS);
        const name = env.config.name;
        const own = {
          plan: roleArnRef(awsRoleName(config.company.service, name, "plan")),
          deploy: roleArnRef(awsRoleName(config.company.service, name, "deploy")),
        };
        const others = all(json, "aws_iam_role")
          .map((r) => String(r.name))
          .filter((n) => !n.includes(`-${name}-`))
          .map(roleArnRef);
        const state = `arn:aws:s3:::${location.bucket}/${location.key}`;
        const reads = (principal: string) =>
          !bucketDenies(bucketPolicy, principal, "s3:GetObject", state) &&
          keyAllows(keyPolicy, principal, "kms:Decrypt");
        expect(reads(own.plan)).toBe(true);
        expect(reads(own.deploy)).toBe(true);
        expect(reads(admin)).toBe(true);
        expect(others.length).toBeGreaterThan(0);
        for (const other of [...others, "arn:aws:iam::111111111111:role/some-workload-role"])
          expect(reads(other)).toBe(false);
        // Writes: deploy writes the state, the plan only the lock object.
        expect(bucketDenies(bucketPolicy, own.deploy, "s3:PutObject", state)).toBe(false);
        expect(bucketDenies(bucketPolicy, own.plan, "s3:PutObject", state)).toBe(true);
        expect(bucketDenies(bucketPolicy, own.plan, "s3:PutObject", `${state}.tflock`)).toBe(false);
        // Nobody but the administrator changes the bucket's policy, encryption or versioning: not even deploy.
        for (const action of ["s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:DeleteBucket"]) {
          expect(bucketDenies(bucketPolicy, own.deploy, action, `arn:aws:s3:::${location.bucket}`)).toBe(true);
          expect(bucketDenies(bucketPolicy, admin, action, `arn:aws:s3:::${location.bucket}`)).toBe(false);
        }
        // The key policy does not delegate to IAM: no account root, no wildcard principal.
        expect(JSON.stringify(keyPolicy)).not.toMatch(/:root"|"Principal":"\*"/);
      }
    },
  );
});
