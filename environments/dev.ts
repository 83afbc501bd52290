import type { EnvironmentInput } from "../lib/config/schema";

/** Development: small sizes, local state, applied automatically. Everything else: environments/company.ts. */
export const dev = {
  name: "dev",
  aws: { accountId: "111111111111", natGateways: "none" },
  azure: { subscriptionId: "00000000-0000-0000-0000-000000000001" },
  gcp: { project: "blueprint-dev-000001" },
  service: { memoryMb: 256, timeoutSeconds: 10, minInstances: 0, maxInstances: 2, logRetentionDays: 7 },
  backend: { type: "local" },
  deploy: { gate: "auto", tier: "development" },
} satisfies EnvironmentInput;
