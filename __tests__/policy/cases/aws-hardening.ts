/**
 * Cases for the rules that catch insecure mutations of the shipped AWS
 * resources (issue #26): plain secrets in parameters, encryption off on
 * parameters, logs, keys and buckets, a public bucket, a privileged
 * container, workload IAM on "*", secret read for a plan identity.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { TerraformStack } from "cdktf";
import { audience } from "../../../lib/identity";
import { passwordResult } from "../helpers";
import type { Build, RuleCase } from "./types";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-0000-0000-000000000000";
const document = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** A role Lambda assumes (a workload's), or one GitLab CI assumes for `purpose`. */
const workloadRole = (s: TerraformStack, id = "workload") =>
  new IamRole(s, id, {
    name: id,
    assumeRolePolicy: document({
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    }),
  });
const ciRole = (s: TerraformStack, purpose: "plan" | "deploy", id = "ci") =>
  new IamRole(s, id, {
    name: id,
    assumeRolePolicy: document({
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "gitlab.com:aud": audience("aws", "test", purpose) },
        StringLike: { "gitlab.com:sub": "project_path:group/project:ref_type:branch:ref:*" },
      },
    }),
  });
const rolePolicy =
  (makeRole: (s: TerraformStack) => IamRole, ...statements: Record<string, unknown>[]): Build =>
  (s) =>
    new IamRolePolicy(s, "subject", { role: makeRole(s).id, policy: document(...statements) });
const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Action,
  Resource,
  ...extra,
});
const containers = (patch: Record<string, unknown>) =>
  JSON.stringify([{ name: "app", image: "registry/app@sha256:0", essential: true, user: "65534:65534", ...patch }]);
const taskDefinition = (patch: Record<string, unknown>) => (s: TerraformStack) =>
  new EcsTaskDefinition(s, "subject", { family: "app", containerDefinitions: containers(patch) });

export const awsHardeningCases: RuleCase[] = [
  {
    rule: "BP_AWS_3",
    fail: [
      // A generated secret, or one by its name, in a plain String; SecureString with the AWS-managed key.
      (s) =>
        new SsmParameter(s, "subject", { name: "/svc/test/ORIGIN_SECRET", type: "String", value: passwordResult(s) }),
      (s) => new SsmParameter(s, "subject", { name: "/svc/test/API_TOKEN", type: "String", value: "abc" }),
      (s) =>
        new SsmParameter(s, "subject", {
          name: "/svc/test/UPSTREAM",
          type: "String",
          value: "q8ZrT2xVw9LmN4pK7sB1yF6hJ3dG5cXe",
        }),
      (s) =>
        new SsmParameter(s, "subject", {
          name: "/svc/test/ORIGIN_SECRET",
          type: "SecureString",
          value: passwordResult(s),
        }),
      (s) =>
        new SsmParameter(s, "subject", {
          name: "/svc/test/ORIGIN_SECRET",
          type: "SecureString",
          keyId: "alias/aws/ssm",
          value: passwordResult(s),
        }),
    ],
    pass: [
      (s) =>
        new SsmParameter(s, "subject", {
          name: "/svc/test/ORIGIN_SECRET",
          type: "SecureString",
          keyId: KEY,
          value: passwordResult(s),
        }),
      (s) => new SsmParameter(s, "subject", { name: "/svc/test/LOG_LEVEL", type: "String", value: "info" }),
    ],
  },
  {
    rule: "CKV_AWS_158",
    fail: (s) => new CloudwatchLogGroup(s, "subject", { name: "/aws/lambda/x", retentionInDays: 30 }),
    pass: (s) => new CloudwatchLogGroup(s, "subject", { name: "/aws/lambda/x", retentionInDays: 30, kmsKeyId: KEY }),
  },
  {
    rule: "CKV_AWS_7",
    fail: [
      (s) => new KmsKey(s, "subject", { description: "k" }),
      (s) => new KmsKey(s, "subject", { description: "k", enableKeyRotation: false }),
      (s) => new KmsKey(s, "subject", { description: "k", enableKeyRotation: true, isEnabled: false }),
    ],
    pass: [
      (s) => new KmsKey(s, "subject", { description: "k", enableKeyRotation: true }),
      (s) => new KmsKey(s, "subject", { description: "k", customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
    ],
  },
  {
    rule: "BP_AWS_4",
    fail: [
      (s) => new S3Bucket(s, "subject", { bucket: "logs" }),
      (s) =>
        new S3BucketServerSideEncryptionConfigurationA(s, "subject", {
          bucket: "logs",
          rule: [{ bucketKeyEnabled: true }],
        }),
    ],
    pass: (s) => {
      const bucket = new S3Bucket(s, "subject", { bucket: "logs" });
      new S3BucketServerSideEncryptionConfigurationA(s, "encryption", {
        bucket: bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }],
      });
    },
  },
  {
    rule: "BP_AWS_5",
    fail: [
      (s) =>
        new S3BucketPolicy(s, "subject", {
          bucket: "logs",
          policy: document(allow("s3:GetObject", "arn:aws:s3:::logs/*", { Principal: "*" })),
        }),
      (s) =>
        new S3BucketPolicy(s, "subject", {
          bucket: "logs",
          policy: document(allow("s3:*", "arn:aws:s3:::logs/*", { Principal: { AWS: "*" } })),
        }),
      (s) => new S3BucketAcl(s, "subject", { bucket: "logs", acl: "public-read" }),
    ],
    pass: [
      (s) =>
        new S3BucketPolicy(s, "subject", {
          bucket: "logs",
          policy: document(
            allow("s3:PutObject", "arn:aws:s3:::logs/*", {
              Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            }),
            // Deny for everyone is how TLS is enforced: not a grant.
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: "arn:aws:s3:::logs/*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ),
        }),
      (s) => new S3BucketAcl(s, "subject", { bucket: "logs", acl: "private" }),
    ],
  },
  {
    rule: "BP_AWS_6",
    fail: [
      taskDefinition({ privileged: true }),
      taskDefinition({ user: "root" }),
      taskDefinition({ user: "0:0" }),
      taskDefinition({ linuxParameters: { capabilities: { add: ["SYS_ADMIN"] } } }),
    ],
    pass: [
      taskDefinition({
        privileged: false,
        readonlyRootFilesystem: true,
        linuxParameters: { capabilities: { drop: ["ALL"] } },
      }),
      taskDefinition({ linuxParameters: { capabilities: { add: ["NET_BIND_SERVICE"] } } }),
    ],
  },
  {
    rule: "CKV_AWS_355",
    fail: [
      rolePolicy((s) => workloadRole(s), allow(["ssm:GetParameter"], "*")),
      rolePolicy((s) => workloadRole(s), allow(["logs:CreateLogStream", "logs:PutLogEvents"], ["*"])),
      rolePolicy((s) => workloadRole(s), { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::x/*" }),
      (s) =>
        new IamRole(s, "subject", {
          name: "fn",
          assumeRolePolicy: document({
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
          }),
          inlinePolicy: [{ name: "all", policy: document(allow("kms:Decrypt", "*")) }],
        }),
    ],
    pass: [
      rolePolicy(
        (s) => workloadRole(s),
        allow(["ecr:GetAuthorizationToken", "xray:PutTraceSegments", "elasticloadbalancing:DescribeRules"], "*"),
        allow(["ssm:GetParameter"], "arn:aws:ssm:eu-west-1:123456789012:parameter/svc/test/ORIGIN_SECRET"),
      ),
      // Not a workload's role: CI roles are judged by the bootstrap rules.
      rolePolicy((s) => ciRole(s, "deploy"), allow(["ssm:GetParameter"], "*")),
    ],
  },
  {
    rule: "BP_AWS_7",
    fail: [
      rolePolicy((s) => ciRole(s, "plan"), allow("secretsmanager:GetSecretValue", "*")),
      rolePolicy((s) => ciRole(s, "plan"), allow("kms:Decrypt", "*")),
      rolePolicy((s) => ciRole(s, "plan"), allow("*", "*")),
      (s) =>
        new IamRolePolicyAttachment(s, "subject", {
          role: ciRole(s, "plan").name,
          policyArn: "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
        }),
    ],
    pass: [
      rolePolicy(
        (s) => ciRole(s, "plan"),
        allow("kms:Decrypt", "*", { Condition: { StringLike: { "kms:ViaService": "ssm.*.amazonaws.com" } } }),
      ),
      (s) =>
        new IamRolePolicyAttachment(s, "subject", {
          role: ciRole(s, "plan").name,
          policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        }),
      // The deploy identity reads what it deploys.
      rolePolicy((s) => ciRole(s, "deploy"), allow("secretsmanager:GetSecretValue", "*")),
    ],
  },
  {
    rule: "BP_AWS_8",
    fail: [
      // The escape: make a role with the boundary, then trust an outside account with it.
      rolePolicy(
        (s) => ciRole(s, "deploy"),
        allow(["iam:CreateRole", "iam:UpdateAssumeRolePolicy"], "arn:aws:iam::123456789012:role/svc-prod-*", {
          Condition: {
            StringEquals: {
              "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/ci-svc-prod-workload-boundary",
            },
          },
        }),
      ),
      rolePolicy((s) => ciRole(s, "deploy"), allow("iam:*", "arn:aws:iam::123456789012:role/svc-prod-*")),
      rolePolicy((s) => ciRole(s, "deploy"), allow("iam:PassRole", "*")),
      rolePolicy((s) => ciRole(s, "deploy"), allow("iam:PassRole", "arn:aws:iam::123456789012:role/svc-prod-function")),
      (s) =>
        new IamRolePolicyAttachment(s, "subject", {
          role: ciRole(s, "deploy").name,
          policyArn: "arn:aws:iam::aws:policy/IAMFullAccess",
        }),
    ],
    pass: [
      rolePolicy(
        (s) => ciRole(s, "deploy"),
        allow("iam:PassRole", "arn:aws:iam::123456789012:role/svc-prod-function", {
          Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
        }),
      ),
      (s) =>
        new IamRolePolicyAttachment(s, "subject", {
          role: ciRole(s, "deploy").name,
          policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
        }),
      // Bootstrap's own workload roles are no CI role: their policies are the workload's business.
      rolePolicy(
        (s) => workloadRole(s),
        allow("logs:PutLogEvents", "arn:aws:logs:eu-west-1:123456789012:log-group:x:*"),
      ),
    ],
  },
];
