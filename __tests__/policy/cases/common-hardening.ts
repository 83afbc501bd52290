/**
 * Cases for the secret-shape detection and the production protections added
 * against insecure mutations (issue #26): secrets under innocent names, as
 * `Bearer`, `sk_live_` or URL-embedded credentials, or only by their entropy;
 * a production environment whose approval or deploy access was loosened.
 */
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { ProjectEnvironment } from "@cdktf/provider-gitlab/lib/project-environment";
import { ProjectProtectedEnvironment } from "@cdktf/provider-gitlab/lib/project-protected-environment";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import type { TerraformStack } from "cdktf";
import type { RuleCase } from "./types";

const lambda = (variables: Record<string, string>) => (s: TerraformStack) =>
  new LambdaFunction(s, "subject", {
    functionName: "fn",
    role: "arn:aws:iam::123456789012:role/fn",
    runtime: "nodejs22.x",
    handler: "index.handler",
    filename: "fn.zip",
    environment: { variables },
  });

/** Values a person would paste in, split so this file holds no scannable credential. */
const STRIPE = ["sk", "live", "51HfQ2eLkd8Yx0aB3cD4eF5gH6"].join("_");
const BEARER = `Bearer ${["eyQ9sX2", "mPz7Lk4", "Vb8nR1t"].join("")}`;
const URL_PASSWORD = `postgres://app:${"s3cr3t-Pa55"}@db.internal:5432/app`;
const RANDOM = ["q8ZrT2xV", "w9LmN4pK", "7sB1yF6h", "J3dG5cXe"].join("");

const protection = (tier: string, patch: Record<string, unknown>) => (s: TerraformStack) => {
  const provider = new GitlabProvider(s, "gitlab", {});
  const environment = new ProjectEnvironment(s, "environment", { provider, project: "1", name: "prod", tier });
  new ProjectProtectedEnvironment(s, "subject", {
    provider,
    project: "1",
    environment: environment.name,
    deployAccessLevelsAttribute: [{ accessLevel: "maintainer" }],
    approvalRules: [{ accessLevel: "maintainer", requiredApprovals: 1 }],
    ...patch,
  });
};

export const commonHardeningCases: RuleCase[] = [
  {
    rule: "BP_COMMON_4",
    fail: [
      lambda({ CONFIG: STRIPE }),
      lambda({ UPSTREAM_AUTH: BEARER }),
      lambda({ DATABASE: URL_PASSWORD }),
      lambda({ HEADER: `Basic ${Buffer.from("admin:hunter2hunter2").toString("base64")}` }),
    ],
    pass: [
      lambda({ DATABASE: "postgres://db.internal:5432/app", LOG_LEVEL: "info" }),
      lambda({ NOTE: "Basic authentication is off", MODE: "Bearer tokens come from the vault" }),
    ],
  },
  {
    rule: "BP_COMMON_5",
    fail: [lambda({ UPSTREAM: RANDOM }), lambda({ X: `${RANDOM}Zz09+/==` })],
    pass: [
      lambda({
        RELEASE_ID: "fedcba9876543210".repeat(2).concat("fedcba98"),
        IMAGE_DIGEST: `sha256:${"ab".repeat(32)}`,
        ORIGIN_SECRET_PARAMETER: "/svc/test/function/ORIGIN_SECRET",
        SERVICE_NAME: "svc",
        ENDPOINT: "https://api.example.net/v1/items",
      }),
      lambda({ LONG_NAME: "SomeServiceNameForProduction" }),
    ],
  },
  {
    rule: "BP_COMMON_6",
    fail: [
      protection("production", { approvalRules: undefined }),
      protection("production", { approvalRules: [{ accessLevel: "maintainer", requiredApprovals: 0 }] }),
      protection("production", { deployAccessLevelsAttribute: [{ accessLevel: "developer" }] }),
    ],
    pass: [protection("production", {}), protection("staging", { approvalRules: undefined })],
  },
];
