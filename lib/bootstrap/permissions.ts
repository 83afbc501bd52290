/**
 * The permission registry: which map and which grants go with each
 * provider of the environment stacks (bootstrap owns every identity, so it
 * is the one place that knows them all), and what the bootstrap run itself
 * needs where no cloud folder holds it (the GitLab project). The check is
 * lib/permissions/coverage.ts; the data is lib/<cloud>/permissions.ts.
 */
import { AWS_MANAGED_POLICY_TABLE, AWS_PERMISSIONS } from "../aws/permissions";
import { AZURE_PERMISSIONS, AZUREAD_PERMISSIONS, AZUREAD_ROLE_TABLE, azureRoleGrant } from "../azure/permissions";
import type { Cloud } from "../config/schema";
import { CLOUDFLARE_PERMISSIONS, cloudflareTokenGrants } from "../edge/permissions";
import { GCP_PERMISSIONS, gcpRoleGrant } from "../gcp/permissions";
import {
  coverageGaps,
  describeGaps,
  type Grant,
  LOCAL_PERMISSIONS,
  type PermissionMap,
  type Purpose,
  providerOf,
  stackResourceTypes,
} from "../permissions/coverage";
import { awsIdentityGrants } from "./aws";
import { azureIdentityGrants } from "./azure";
import { gcpIdentityGrants } from "./gcp";
import { awsStateGrants } from "./state/aws";

/**
 * GitLab 18 project roles and token scopes per gitlab provider type
 * (https://docs.gitlab.com/user/permissions/): variables and environments
 * need Maintainer, protected environments Maintainer too (Owner on a group),
 * all through the REST API (`api` scope).
 */
export const GITLAB_PERMISSIONS: PermissionMap = {
  gitlab_project: {
    plan: ["api", "Reporter"],
    deploy: ["api", "Maintainer"],
    note: "adopted by an import block, never created or destroyed (prevent_destroy): CI/CD settings need Maintainer",
  },
  gitlab_project_environment: { plan: ["api", "Reporter"], deploy: ["api", "Maintainer"] },
  gitlab_project_protected_environment: { plan: ["api", "Maintainer"], deploy: ["api", "Maintainer"] },
  gitlab_project_variable: {
    plan: ["api", "Maintainer"],
    deploy: ["api", "Maintainer"],
    note: "reading a variable's value needs Maintainer too",
  },
};

/**
 * The publish identity: no Terraform resource, one job (`publish:<env>`,
 * ci/release/publish.sh). What that job calls in each cloud's registry
 * (`needs`), and the only namespace its grants may reach (`within`).
 */
export const PUBLISH_PERMISSIONS: Readonly<
  Record<Cloud, { readonly needs: readonly string[]; readonly within: RegExp; readonly grants: () => Grant[] }>
> = {
  aws: {
    // aws ecr get-login-password; crane copy (layers and manifest) and crane digest.
    needs: [
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
      "ecr:BatchGetImage",
    ],
    within: /^ecr:/,
    grants: () => awsIdentityGrants("publish"),
  },
  // The ACR token exchange, then crane's push and digest.
  azure: {
    needs: ["Microsoft.ContainerRegistry/registries/push/write", "Microsoft.ContainerRegistry/registries/pull/read"],
    within: /^Microsoft\.ContainerRegistry\/registries\/(push|pull)\//,
    grants: () => azureIdentityGrants("publish"),
  },
  gcp: {
    needs: [
      "artifactregistry.repositories.uploadArtifacts",
      "artifactregistry.repositories.downloadArtifacts",
      "artifactregistry.tags.create",
    ],
    within: /^(artifactregistry\.|resourcemanager\.projects\.get$)/,
    grants: () => gcpIdentityGrants("publish"),
  },
};

/** One provider's permission map, and the grants each CI identity holds on it. */
export interface ProviderPermissions {
  readonly map: PermissionMap;
  /** What the environment's identity of `purpose` holds (none: the provider calls no API). */
  readonly grants: (purpose: Purpose) => Grant[];
  /** Where a reader finds the grants. */
  readonly grantedBy: string;
}

/**
 * Every provider the environment stacks use, by resource type prefix: its
 * map and the grants bootstrap (or, for Cloudflare, the administrator's
 * tokens) gives the CI identities. A provider missing here fails the
 * coverage check by name.
 */
export const ENVIRONMENT_PERMISSIONS: Readonly<Record<string, ProviderPermissions>> = {
  aws: {
    map: AWS_PERMISSIONS,
    grants: (purpose) => [...awsIdentityGrants(purpose), ...awsStateGrants(purpose)],
    grantedBy: "lib/bootstrap/aws.ts, lib/bootstrap/state/aws.ts",
  },
  azurerm: { map: AZURE_PERMISSIONS, grants: azureIdentityGrants, grantedBy: "lib/bootstrap/azure.ts" },
  google: { map: GCP_PERMISSIONS, grants: gcpIdentityGrants, grantedBy: "lib/bootstrap/gcp.ts" },
  cloudflare: {
    map: CLOUDFLARE_PERMISSIONS,
    grants: cloudflareTokenGrants,
    grantedBy: "lib/edge/permissions.ts (tokens set by hand)",
  },
  random: { map: LOCAL_PERMISSIONS, grants: () => [], grantedBy: "nothing: no API" },
};

/** GitLab: a Maintainer's token with the `api` scope (Maintainer holds Reporter's reads). */
const GITLAB_MAINTAINER: Grant = {
  name: "Maintainer with an api-scope token",
  statements: [{ allow: ["api", "Maintainer", "Reporter"] }],
};

/**
 * The bootstrap stack's own resource types (applied once by an
 * administrator), with the least of the roles docs/bootstrap.md asks the
 * administrator to hold on each cloud: the check proves those roles suffice.
 */
export const BOOTSTRAP_PERMISSIONS: Readonly<Record<string, ProviderPermissions>> = {
  aws: {
    map: AWS_PERMISSIONS,
    // PowerUserAccess: the state buckets and their keys (lib/bootstrap/state/aws.ts), the ECR repositories and theirs.
    grants: () =>
      ["IAMFullAccess", "PowerUserAccess"].map((name) => AWS_MANAGED_POLICY_TABLE[`arn:aws:iam::aws:policy/${name}`]),
    grantedBy: "docs/bootstrap.md: IAMFullAccess and PowerUserAccess",
  },
  azurerm: {
    map: AZURE_PERMISSIONS,
    grants: () => ["Contributor", "User Access Administrator"].map(azureRoleGrant),
    grantedBy: "docs/bootstrap.md: Contributor and User Access Administrator",
  },
  azuread: {
    map: AZUREAD_PERMISSIONS,
    grants: () => Object.values(AZUREAD_ROLE_TABLE),
    grantedBy: "docs/bootstrap.md: Application Developer",
  },
  google: {
    map: GCP_PERMISSIONS,
    grants: () =>
      [
        "roles/iam.workloadIdentityPoolAdmin",
        "roles/iam.serviceAccountAdmin",
        "roles/iam.roleAdmin",
        "roles/resourcemanager.projectIamAdmin",
        "roles/serviceusage.serviceUsageAdmin",
        // A protected environment's state bucket, when it is in GCP (lib/bootstrap/state/gcp.ts).
        "roles/storage.admin",
        // Every environment's image repository (lib/bootstrap/registries/gcp.ts).
        "roles/artifactregistry.admin",
      ].map(gcpRoleGrant),
    grantedBy: "docs/bootstrap.md: the GCP administrator roles",
  },
  gitlab: { map: GITLAB_PERMISSIONS, grants: () => [GITLAB_MAINTAINER], grantedBy: "docs/bootstrap.md: GITLAB_TOKEN" },
};

/**
 * The state backend as a pseudo resource type of its cloud's map
 * (`aws_state_backend`): the plan and deploy identities read and write their
 * own state (lib/bootstrap/state/). GitLab-managed and local state need no
 * cloud permission.
 */
export const STATE_BACKEND_TYPES: Readonly<Record<string, string>> = { s3: "aws_state_backend" };

function backendTypes(backend: object | undefined): string[] {
  return Object.keys(backend ?? {}).flatMap((kind) =>
    STATE_BACKEND_TYPES[kind] === undefined ? [] : [STATE_BACKEND_TYPES[kind]],
  );
}

/**
 * Every gap of an environment's `purpose` identities over a synthesized
 * stack, one line each naming the resource type: unmapped types, providers
 * with no entry, permissions no grant allows. For the bootstrap stack, pass
 * `BOOTSTRAP_PERMISSIONS` and `deploy` (the administrator).
 */
export function environmentPermissionGaps(
  json: Parameters<typeof stackResourceTypes>[0] & { readonly terraform?: { readonly backend?: object } },
  purpose: Purpose,
  providers: Readonly<Record<string, ProviderPermissions>> = ENVIRONMENT_PERMISSIONS,
): string[] {
  const types = [...stackResourceTypes(json), ...backendTypes(json.terraform?.backend)];
  const problems: string[] = [];
  for (const provider of [...new Set(types.map(providerOf))].sort()) {
    const own = types.filter((type) => providerOf(type) === provider);
    const entry = providers[provider];
    if (entry === undefined) {
      problems.push(`${provider}: no permission map for ${own.join(", ")} (lib/bootstrap/permissions.ts)`);
      continue;
    }
    const gaps = coverageGaps(own, entry.map, entry.grants(purpose), purpose);
    problems.push(...describeGaps(`${provider} ${purpose} (${entry.grantedBy})`, gaps));
  }
  return problems;
}
