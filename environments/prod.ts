import type { EnvironmentInput } from "../lib/config/schema";

/** Production: HA networking, longer retention, protections on, manual approval. */
export const prod = {
  name: "prod",
  clouds: ["aws", "azure", "gcp"],
  aws: { region: "eu-west-1", accountId: "333333333333", natGateways: "per-az" },
  azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-000000000003" },
  gcp: { project: "blueprint-prod-000003", region: "europe-west1" },
  cloudflare: {
    accountId: "0123456789abcdef0123456789abcdef",
    zoneId: "fedcba9876543210fedcba9876543210",
    domain: "example.com",
  },
  service: { memoryMb: 1024, timeoutSeconds: 30, minInstances: 2, maxInstances: 20, logRetentionDays: 90 },
  weights: {
    "aws.function": 20,
    "aws.container": 15,
    "azure.function": 20,
    "azure.container": 15,
    "gcp.function": 15,
    "gcp.container": 15,
  },
  canaryPercent: 5,
  monitoring: {
    availabilityPercent: 99.9,
    latencyP99Ms: 2000,
    notify: { emails: ["oncall@example.com"], webhookVariable: "alert_webhook_url" },
  },
  backend: { type: "http" },
  deploy: { gate: "manual", tier: "production" },
  protect: true,
} satisfies EnvironmentInput;
