import type { BootstrapInput } from "../lib/config/bootstrap";

/**
 * The `bootstrap` stack (docs/bootstrap.md): the GitLab project whose
 * pipelines the clouds trust, and which environments get identities. Run once
 * by an administrator: `npx cdktf deploy bootstrap`. Data only; the schema in
 * `lib/config/bootstrap.ts` documents every field.
 */
export const bootstrap = {
  gitlab: {
    host: "gitlab.com",
    projectPath: "example/multicloud-blueprint",
    projectId: 12345678,
    defaultBranch: "main",
  },
  environments: {
    dev: {},
    staging: {},
    prod: { requiredApprovals: 1 },
  },
  aws: { adminRoleName: "OrganizationAccountAccessRole" },
  azure: { tenantId: "00000000-0000-0000-0000-0000000000aa" },
  backend: { type: "local" },
} satisfies BootstrapInput;
