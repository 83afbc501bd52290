import type { CompanyInput } from "../lib/config/company";

/**
 * Everything company-wide, in one place: a fork edits this file first
 * (docs/forking.md). Environment files (`dev.ts`, `staging.ts`, ...) hold only
 * what differs per environment; every field here is checked by the schema in
 * `lib/config/company.ts`, which documents each one.
 */
export const company = {
  /** In every resource name (`<service>-<env>-...`) and tag. */
  service: "hello",
  /** The project whose pipelines deploy; GitLab-managed state lives under its id. */
  gitlab: {
    host: "gitlab.com",
    projectPath: "example/multicloud-blueprint",
    projectId: 12345678,
    defaultBranch: "main",
  },
  /** Root domain: the production tier serves on it, other environments on `<env>.<domain>`. */
  domain: "example.com",
  /** Cloudflare account and the zone of `domain`. */
  cloudflare: {
    accountId: "0123456789abcdef0123456789abcdef",
    zoneId: "fedcba9876543210fedcba9876543210",
  },
  /** Deployed by a fresh clone; a pipeline release deploys the image it built, by digest (docs/releasing.md). */
  containerImage: "ghcr.io/example/hello:1.0.0",
  /** Clouds every environment enables unless its file lists its own. */
  clouds: ["aws", "azure", "gcp"],
  regions: { aws: "eu-west-1", azure: "westeurope", gcp: "europe-west1" },
  /** Relative traffic shares; each environment scales those of its enabled origins to 100. */
  weights: {
    "aws.function": 20,
    "aws.container": 15,
    "azure.function": 20,
    "azure.container": 15,
    "gcp.function": 15,
    "gcp.container": 15,
  },
  /** Objectives and who is told when they are missed (docs/operations.md); an environment may override. */
  monitoring: { availabilityPercent: 99.9, notify: { emails: ["oncall@example.com"] } },
  /** Extra tags (GCP: labels) on every resource, beside environment, service, managed-by and repository. */
  tags: {},
} satisfies CompanyInput;
