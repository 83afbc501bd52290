import type { EnvironmentInput } from "../lib/config/schema";

/** Staging: production's shape at smaller scale, GitLab-managed state, applied automatically. */
export const staging = {
  name: "staging",
  clouds: ["aws", "azure", "gcp"],
  aws: { region: "eu-west-1", accountId: "222222222222", natGateways: "single" },
  azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-000000000002" },
  gcp: { project: "blueprint-staging-0002", region: "europe-west1" },
  cloudflare: {
    accountId: "0123456789abcdef0123456789abcdef",
    zoneId: "fedcba9876543210fedcba9876543210",
    domain: "staging.example.com",
    zoneShared: true,
  },
  service: { memoryMb: 512, timeoutSeconds: 15, minInstances: 1, maxInstances: 5, logRetentionDays: 30 },
  weights: {
    "aws.function": 20,
    "aws.container": 15,
    "azure.function": 20,
    "azure.container": 15,
    "gcp.function": 15,
    "gcp.container": 15,
  },
  canaryPercent: 10,
  monitoring: { notify: { emails: ["oncall@example.com"] } },
  backend: { type: "http" },
  deploy: { gate: "auto", tier: "staging" },
} satisfies EnvironmentInput;
