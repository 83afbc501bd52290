import type { EnvironmentInput } from "../lib/config/schema";

/** Development: all clouds, small sizes, local state, applied automatically. */
export const dev = {
  name: "dev",
  clouds: ["aws", "azure", "gcp"],
  aws: { region: "eu-west-1", accountId: "111111111111", natGateways: "none" },
  azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-000000000001" },
  gcp: { project: "blueprint-dev-000001", region: "europe-west1" },
  cloudflare: {
    accountId: "0123456789abcdef0123456789abcdef",
    zoneId: "fedcba9876543210fedcba9876543210",
    domain: "dev.example.com",
    zoneShared: true,
  },
  service: { memoryMb: 256, timeoutSeconds: 10, minInstances: 0, maxInstances: 2, logRetentionDays: 7 },
  weights: {
    "aws.function": 20,
    "aws.container": 15,
    "azure.function": 20,
    "azure.container": 15,
    "gcp.function": 15,
    "gcp.container": 15,
  },
  monitoring: { notify: { emails: ["oncall@example.com"] } },
  backend: { type: "local" },
  deploy: { gate: "auto", tier: "development" },
} satisfies EnvironmentInput;
