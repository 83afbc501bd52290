/** The AWS entry of the stack's cloud registry: provider, Lambda + HTTP API, ECS Fargate + ALB. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { CloudModule } from "../contract/cloud";
import { ContainerTarget } from "./container-target";
import { FunctionTarget } from "./function-target";
import { AwsMonitoring } from "./monitoring";
import type { AwsSettings } from "./settings";
import { AWS_LIMITS } from "./validation";

export const awsCloud: CloudModule<AwsSettings> = {
  limits: AWS_LIMITS,
  region: (settings) => settings.region,
  addProvider: (scope, settings, tags) =>
    new AwsProvider(scope, "aws", {
      region: settings.region,
      // Refuse to touch any other account, whatever credentials are loaded.
      allowedAccountIds: [settings.accountId],
      defaultTags: [{ tags: { ...tags } }],
    }),
  addTargets: (scope, props) => [
    new FunctionTarget(scope, "aws-function", { ...props, rollout: props.rollouts?.function }),
    // The ALB's certificate is validated, and its hostname published, in the environment's Cloudflare zone.
    // ECS runs its own canary; on rollback it deploys the stable release's image again.
    new ContainerTarget(scope, "aws-container", { ...props, spec: props.rollbackSpec ?? props.spec }),
  ],
  addMonitoring: (scope, props) => {
    new AwsMonitoring(scope, "aws-monitoring", props);
  },
  // Lambda aliases and ECS split traffic themselves; Route 53 checks alarm only from us-east-1 (a twin topic
  // there), so Cloudflare probes the origins where the plan allows; Route 53 probes 30 s apart, pages within 5 min.
  edge: { splitKinds: [], selfSplitKinds: ["container"], probesOrigins: true, proberRank: 2 },
};
