import type { BootstrapInput } from "../lib/config/bootstrap";

/**
 * The `bootstrap` stack (docs/bootstrap.md): which environments get
 * identities that the pipelines of the GitLab project in `company.ts` can use.
 * Every environment of `index.ts` needs an entry (synth says when one is missing). Run once
 * by an administrator: `npx cdktf deploy bootstrap`. Data only; the schema in
 * `lib/config/bootstrap.ts` documents every field.
 */
export const bootstrap = {
  environments: {
    dev: {},
    staging: {},
    prod: { requiredApprovals: 1 },
  },
  aws: { adminRoleName: "OrganizationAccountAccessRole" },
  azure: { tenantId: "00000000-0000-0000-0000-0000000000aa" },
  backend: { type: "local" },
} satisfies BootstrapInput;
