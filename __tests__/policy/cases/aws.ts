import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { TerraformVariable } from "cdktf";
import { audience } from "../../../lib/identity";
import type { Build, RuleCase } from "./types";

const policy = (actions: unknown) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
const role = (stack: Parameters<Build>[0], id: string) =>
  new IamRole(stack, id, { name: id, assumeRolePolicy: policy("sts:AssumeRole") });
const listener = { loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1" };
const forward = [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1" }];
const publicAccessBlock = (rule: "CKV_AWS_53" | "CKV_AWS_54" | "CKV_AWS_55" | "CKV_AWS_56", off: string): RuleCase => {
  const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
  return {
    rule,
    fail: (s) => new S3BucketPublicAccessBlock(s, "subject", { bucket: "b", ...all, [off]: false }),
    pass: (s) => new S3BucketPublicAccessBlock(s, "subject", { bucket: "b", ...all }),
  };
};

const statement = (patch: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: "*", ...patch }] });
const boundary = { StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/ci-boundary" } };
const sub = (ref: string) => `project_path:group/project:ref_type:branch:ref:${ref}`;
/** A role trust for GitLab id_tokens with `condition`. */
const oidcTrust = (condition: unknown) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
      },
    ],
  });
const oidcRole = (condition: unknown) => (s: Parameters<Build>[0]) =>
  new IamRole(s, "subject", { name: "ci", assumeRolePolicy: oidcTrust(condition) });

export const awsCases: RuleCase[] = [
  {
    rule: "BP_AWS_2",
    fail: [
      // No audience, a shared audience, a wildcard audience, no subject.
      oidcRole({ StringEquals: { "gitlab.com:sub": sub("main") } }),
      oidcRole({ StringEquals: { "gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": sub("main") } }),
      oidcRole({ StringLike: { "gitlab.com:aud": "gitlab-ci:aws:*", "gitlab.com:sub": sub("main") } }),
      oidcRole({ StringEquals: { "gitlab.com:aud": audience("aws", "test", "plan") } }),
      // A deploy identity trusting any branch; a plan identity wild beyond the branch name.
      oidcRole({
        StringEquals: { "gitlab.com:aud": audience("aws", "test", "deploy") },
        StringLike: { "gitlab.com:sub": sub("*") },
      }),
      oidcRole({
        StringEquals: { "gitlab.com:aud": audience("aws", "test", "plan") },
        StringLike: { "gitlab.com:sub": "project_path:group/*" },
      }),
    ],
    pass: [
      oidcRole({
        StringEquals: { "gitlab.com:aud": audience("aws", "test", "deploy"), "gitlab.com:sub": sub("main") },
      }),
      oidcRole({
        StringEquals: { "gitlab.com:aud": audience("aws", "test", "plan") },
        StringLike: { "gitlab.com:sub": sub("*") },
      }),
      // Not a web-identity trust.
      (s) => role(s, "subject"),
    ],
  },
  {
    rule: "CKV_AWS_274",
    fail: [
      (s) =>
        new IamRolePolicyAttachment(s, "subject", {
          role: "r",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      (s) =>
        new IamRolePolicyAttachment(s, "subject", { role: "r", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" }),
    ],
    pass: (s) =>
      new IamRolePolicyAttachment(s, "subject", { role: "r", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }),
  },
  {
    rule: "CKV_AWS_286",
    fail: [
      (s) => new IamPolicy(s, "subject", { policy: statement({ Action: ["iam:CreateRole", "iam:PutRolePolicy"] }) }),
      (s) => new IamRolePolicy(s, "subject", { role: "r", policy: statement({ Action: "iam:Put*" }) }),
      (s) =>
        new IamPolicy(s, "subject", {
          policy: statement({ Action: "iam:CreatePolicyVersion", Condition: boundary }),
        }),
      (s) => new IamPolicy(s, "subject", { policy: statement({ NotAction: ["s3:*"] }) }),
    ],
    pass: [
      (s) =>
        new IamPolicy(s, "subject", {
          policy: statement({ Action: ["iam:CreateRole", "iam:PutRolePolicy"], Condition: boundary }),
        }),
      (s) => new IamPolicy(s, "subject", { policy: statement({ NotAction: ["iam:*", "organizations:*"] }) }),
      (s) => new IamPolicy(s, "subject", { policy: statement({ Effect: "Deny", Action: "iam:*" }) }),
    ],
  },
  {
    rule: "BP_AWS_1",
    // A provider without default_tags: the tags must then be on the resource.
    fail: (s) => {
      const bare = new AwsProvider(s, "bare", { region: "eu-west-1", alias: "bare" });
      const owner = new TerraformVariable(s, "owner", {}).stringValue;
      new EcrRepository(s, "subject", { name: "r", provider: bare, tags: { environment: "test", owner } });
    },
    pass: [
      (s) => new EcrRepository(s, "subject", { name: "r" }),
      (s) => {
        const bare = new AwsProvider(s, "bare", { region: "eu-west-1", alias: "bare" });
        const tags = { environment: "t", service: "s", "managed-by": "m", repository: "r" };
        new EcrRepository(s, "subject", { name: "r", provider: bare, tags });
      },
      // Not taggable (no tags_all): out of scope.
      (s) => new IamRolePolicy(s, "subject", { role: "r", policy: policy("logs:PutLogEvents") }),
    ],
  },
  {
    rule: "CKV_AWS_51",
    fail: [
      (s) => new EcrRepository(s, "subject", { name: "r" }),
      (s) => new EcrRepository(s, "subject", { name: "r", imageTagMutability: "MUTABLE" }),
    ],
    pass: (s) => new EcrRepository(s, "subject", { name: "r", imageTagMutability: "IMMUTABLE" }),
  },
  {
    rule: "CKV_AWS_163",
    fail: (s) => new EcrRepository(s, "subject", { name: "r" }),
    pass: (s) => new EcrRepository(s, "subject", { name: "r", imageScanningConfiguration: { scanOnPush: true } }),
  },
  {
    rule: "CKV_AWS_136",
    fail: (s) => new EcrRepository(s, "subject", { name: "r" }),
    pass: (s) => new EcrRepository(s, "subject", { name: "r", encryptionConfiguration: [{ encryptionType: "KMS" }] }),
  },
  {
    rule: "CKV_AWS_66",
    fail: [
      (s) => new CloudwatchLogGroup(s, "subject", { name: "/aws/lambda/x" }),
      (s) => new CloudwatchLogGroup(s, "subject", { name: "/aws/lambda/x", retentionInDays: 0 }),
    ],
    pass: (s) => new CloudwatchLogGroup(s, "subject", { name: "/aws/lambda/x", retentionInDays: 7 }),
  },
  {
    rule: "CKV_AWS_2",
    fail: [
      (s) => new LbListener(s, "subject", { ...listener, port: 80, protocol: "HTTP", defaultAction: forward }),
      // protocol defaults to HTTP; a reference inside the action does not hide it.
      (s) => {
        const group = new LbTargetGroup(s, "group", { port: 8080, protocol: "HTTP", vpcId: "vpc-1" });
        new LbListener(s, "subject", {
          ...listener,
          port: 80,
          defaultAction: [{ type: "forward", targetGroupArn: group.arn }],
        });
      },
    ],
    pass: [
      (s) =>
        new LbListener(s, "subject", {
          ...listener,
          port: 80,
          protocol: "HTTP",
          defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        }),
      (s) =>
        new LbListener(s, "subject", {
          ...listener,
          port: 443,
          protocol: "HTTPS",
          certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x",
          sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
          defaultAction: forward,
        }),
    ],
  },
  {
    rule: "CKV_AWS_103",
    fail: [
      (s) => new LbListener(s, "subject", { ...listener, port: 443, protocol: "HTTPS", defaultAction: forward }),
      (s) =>
        new LbListener(s, "subject", {
          ...listener,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01",
          defaultAction: forward,
        }),
    ],
    pass: (s) =>
      new LbListener(s, "subject", {
        ...listener,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultAction: forward,
      }),
  },
  {
    rule: "CKV_AWS_131",
    fail: (s) => new Lb(s, "subject", { name: "alb" }),
    pass: [
      (s) => new Lb(s, "subject", { name: "alb", dropInvalidHeaderFields: true }),
      (s) => new Lb(s, "subject", { name: "nlb", loadBalancerType: "network" }),
    ],
  },
  {
    rule: "CKV_AWS_63",
    fail: [
      (s) => new IamPolicy(s, "subject", { policy: policy("*") }),
      (s) => new IamRolePolicy(s, "subject", { role: "r", policy: policy(["logs:PutLogEvents", "*"]) }),
      (s) =>
        new IamRole(s, "subject", {
          assumeRolePolicy: policy("sts:AssumeRole"),
          inlinePolicy: [{ name: "all", policy: policy("*") }],
        }),
      (s) => new DataAwsIamPolicyDocument(s, "subject", { statement: [{ actions: ["*"], resources: ["*"] }] }),
    ],
    pass: [
      (s) => new IamPolicy(s, "subject", { policy: policy(["logs:CreateLogStream", "logs:PutLogEvents"]) }),
      (s) => new DataAwsIamPolicyDocument(s, "subject", { statement: [{ effect: "Deny", actions: ["*"] }] }),
    ],
  },
  {
    rule: "CKV_AWS_45",
    fail: (s) =>
      new LambdaFunction(s, "subject", {
        functionName: "f",
        role: "arn:aws:iam::1:role/f",
        environment: { variables: { LOG_LEVEL: "info", ORIGIN_SECRET: "hunter2-but-longer" } },
      }),
    pass: [
      (s) =>
        new LambdaFunction(s, "subject", {
          functionName: "f",
          role: "arn:aws:iam::1:role/f",
          // Names a secret's header, holds no secret.
          environment: { variables: { ORIGIN_SECRET_HEADER: "x-origin-secret" } },
        }),
      (s) =>
        new LambdaFunction(s, "subject", {
          functionName: "f",
          role: "arn:aws:iam::1:role/f",
          environment: {
            variables: {
              LOG_LEVEL: "info",
              ORIGIN_SECRET: new TerraformVariable(s, "origin_secret", { sensitive: true }).stringValue,
            },
          },
        }),
    ],
  },
  {
    rule: "CKV_AWS_249",
    fail: (s) => {
      const shared = role(s, "shared");
      new EcsTaskDefinition(s, "subject", {
        family: "f",
        containerDefinitions: "[]",
        executionRoleArn: shared.arn,
        taskRoleArn: shared.arn,
      });
    },
    pass: (s) =>
      new EcsTaskDefinition(s, "subject", {
        family: "f",
        containerDefinitions: "[]",
        executionRoleArn: role(s, "execution").arn,
        taskRoleArn: role(s, "task").arn,
      }),
  },
  publicAccessBlock("CKV_AWS_53", "blockPublicAcls"),
  publicAccessBlock("CKV_AWS_54", "blockPublicPolicy"),
  publicAccessBlock("CKV_AWS_55", "ignorePublicAcls"),
  publicAccessBlock("CKV_AWS_56", "restrictPublicBuckets"),
];
