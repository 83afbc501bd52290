import type { EnvironmentInput } from "../lib/config/schema";

/** Staging: production's shape at smaller scale, GitLab-managed state, applied automatically. */
export const staging = {
  name: "staging",
  aws: { accountId: "222222222222", natGateways: "single" },
  azure: { subscriptionId: "00000000-0000-0000-0000-000000000002" },
  gcp: { project: "blueprint-staging-0002" },
  service: { memoryMb: 512, timeoutSeconds: 15, minInstances: 1, maxInstances: 5, logRetentionDays: 30 },
  canaryPercent: 10,
  backend: { type: "http" },
  deploy: { gate: "auto", tier: "staging" },
} satisfies EnvironmentInput;
