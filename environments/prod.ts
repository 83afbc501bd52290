import type { EnvironmentInput } from "../lib/config/schema";

/** Production: HA networking, longer retention, protections on, manual approval; serves on the root domain. */
export const prod = {
  name: "prod",
  aws: { accountId: "333333333333", natGateways: "per-az" },
  azure: { subscriptionId: "00000000-0000-0000-0000-000000000003" },
  gcp: { project: "blueprint-prod-000003" },
  service: { memoryMb: 1024, timeoutSeconds: 30, minInstances: 2, maxInstances: 20, logRetentionDays: 90 },
  canaryPercent: 5,
  monitoring: {
    availabilityPercent: 99.9,
    latencyP99Ms: 2000,
    // Slack through the alert relay, and the company's e-mails (notify merges over the company's).
    notify: { receivers: [{ kind: "slack", secretVariable: "alert_webhook_url" }] },
  },
  backend: { type: "cloud" }, // in AWS (the first enabled of aws, gcp, azure): docs/bootstrap.md
  deploy: { gate: "manual", tier: "production" },
  protect: true,
} satisfies EnvironmentInput;
