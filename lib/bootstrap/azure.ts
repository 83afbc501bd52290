/**
 * Azure side of the GitLab trust: per environment and purpose, an Entra ID
 * application with its service principal and a federated identity credential
 * for this project's id_tokens, and role assignments on that environment's
 * resource group, which bootstrap creates (see `azureResourceGroupName`).
 *
 * Audiences and subjects: Entra ID compares `iss`, `aud` and `sub` exactly.
 * Every identity lists only its own audience (`audience()` in
 * lib/identity.ts), which only that environment's jobs of that purpose
 * request; `ref_protected` and `environment` cannot be checked (the `sub`
 * format is fixed).
 * - deploy, and plan of a protected environment: a federated credential
 *   with the exact subject of the protected default branch.
 * - plan of other environments: any branch of the project, through a
 *   flexible federated identity credential,
 *   `claims['sub'] matches 'project_path:<path>:ref_type:branch:ref:*'`
 *   (preview; Graph beta). With `flexibleCredentials: false`, an exact
 *   credential for the default branch instead: merge-request plans then
 *   cannot sign in to Azure.
 *
 * Protected environments' resource groups carry a `CanNotDelete` management
 * lock: neither role below may remove a lock, so the deploy identity cannot
 * delete the group (nor, with it, the environment).
 *
 * Roles, scoped to the resource group only:
 * - plan: Reader; the refresh calls Reader's `*\/read` misses, in a custom
 *   role of exactly those (`AZURE_PLAN_REFRESH_ACTIONS`: a Container App's
 *   secrets and a Function App's settings are POST "list" operations); and
 *   the data-plane reads a refresh makes: Storage Blob
 *   Data Reader (the stack's storage uses Entra ID auth, so refreshing a blob
 *   is a data-plane read) and Key Vault Secrets User (refreshing
 *   `azurerm_key_vault_secret` reads the secret; Reader does not grant it).
 *   The secret read is the same exposure the state already has (the origin
 *   secret's `random_password` is in it), and a protected environment's plan
 *   identity trusts the default branch only (docs/choices.md).
 * - deploy: a custom role of the resource providers the environment stacks
 *   use (`AZURE_DEPLOY_ACTIONS`; not the registry's, which bootstrap makes), without any authorization write and without
 *   creating managed identities or federated credentials
 *   (`AZURE_DEPLOY_NOT_ACTIONS`): bootstrap makes the workload's identities
 *   and their roles (lib/bootstrap/workload/azure.ts). The data-plane writes
 *   of an apply (Storage Blob Data Contributor for the function package, Key
 *   Vault Secrets Officer for the origin secret) are granted here. It makes
 *   no role assignment at all, so it holds no role-assignment write or
 *   delete: the Function App reads its secrets with its user-assigned
 *   identity, whose Key Vault Secrets User is bootstrap's, instead of Key
 *   Vault references resolved by a system identity the stack would have to
 *   grant (docs/choices.md).
 * - publish: AcrPush on the group, whose one registry is the environment's,
 *   made by bootstrap (`publish:<env>` pushes the release's image there before the deploy is
 *   approved); nothing else.
 */

import { Application } from "@cdktf/provider-azuread/lib/application";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { ApplicationFlexibleFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-flexible-federated-identity-credential";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { Construct } from "constructs";
import { azureNames } from "../azure/naming";
import { azureRoleGrant } from "../azure/permissions";
import type { CompanyConfig } from "../config/company";
import { audience, IDENTITY_PURPOSES, type IdentityPurpose, subjectClaim, trustSubject } from "../identity";
import type { Grant } from "../permissions/coverage";
import { suppress } from "../policy";
import { applyProtections } from "../policy/protections";
import { bootstrapTags, type EnvironmentTrust, type GitlabOidc, issuerUrl, trustScope } from "./gitlab-oidc";
import { AzureWorkloadIdentities } from "./workload/azure";

/** Built-in roles per purpose, assigned on the environment's resource group. */
export const AZURE_ROLES: Readonly<Record<IdentityPurpose, readonly string[]>> = {
  plan: ["Reader", "Storage Blob Data Reader", "Key Vault Secrets User"],
  deploy: ["Storage Blob Data Contributor", "Key Vault Secrets Officer"],
  // The group holds one registry, the environment's (lib/azure/registry.ts): push to it, nothing else.
  publish: ["AcrPush"],
};

/**
 * What the deploy identity may do on its group: the resource providers the
 * environment stacks use (lib/azure), reading the group, and using (not
 * making) the managed identities bootstrap made.
 */
export const AZURE_DEPLOY_ACTIONS = [
  "Microsoft.App/*",
  // No Microsoft.ContainerRegistry: bootstrap makes the registry (lib/bootstrap/registries/azure.ts).
  "Microsoft.Insights/*",
  "Microsoft.AlertsManagement/*",
  "Microsoft.KeyVault/*",
  "Microsoft.OperationalInsights/*",
  "Microsoft.OperationsManagement/*",
  "Microsoft.Storage/*",
  "Microsoft.Web/*",
  "Microsoft.Resources/subscriptions/resourceGroups/read",
  "Microsoft.Resources/deployments/*",
  "Microsoft.ManagedIdentity/userAssignedIdentities/read",
  "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
] as const;

/** Never, whatever the actions above hold: authorization writes, and making or federating an identity. */
export const AZURE_DEPLOY_NOT_ACTIONS = [
  "Microsoft.Authorization/*/Delete",
  "Microsoft.Authorization/*/Write",
  "Microsoft.Authorization/elevateAccess/Action",
  "Microsoft.ManagedIdentity/userAssignedIdentities/write",
  "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
] as const;

/** The custom deploy role (tenant-unique name: one per service and subscription). */
export function azureDeployRoleName(service: string, subscriptionId: string): string {
  return `CI deploy (${service}, ${subscriptionId})`;
}

/**
 * Control-plane calls an azurerm refresh makes that Reader (`*\/read`) does
 * not grant, held by plan identities through a custom role of exactly these
 * (lib/azure/permissions.ts names the resource types that call them). What
 * they return is already in the state the plan reads: Key Vault secret URIs,
 * the origin secret, and publishing credentials that basic auth being off
 * makes useless.
 */
export const AZURE_PLAN_REFRESH_ACTIONS = [
  "Microsoft.App/containerApps/listSecrets/action",
  "Microsoft.Web/sites/config/list/action",
] as const;

/** The custom role of `AZURE_PLAN_REFRESH_ACTIONS` (tenant-unique name: one per service and subscription). */
export function azurePlanRefreshRoleName(service: string, subscriptionId: string): string {
  return `CI plan refresh (${service}, ${subscriptionId})`;
}

/**
 * Every role an environment's identity of `purpose` is assigned on its
 * resource group, as the permissions Microsoft documents for it
 * (lib/azure/permissions.ts): what the permission coverage check reads.
 */
export function azureIdentityGrants(purpose: IdentityPurpose): Grant[] {
  const roles = AZURE_ROLES[purpose];
  const custom: Grant[] =
    purpose === "plan"
      ? [{ name: "CI plan refresh (custom)", statements: [{ allow: AZURE_PLAN_REFRESH_ACTIONS }] }]
      : purpose === "publish"
        ? []
        : [
            {
              name: "CI deploy (custom)",
              statements: [{ allow: AZURE_DEPLOY_ACTIONS, except: AZURE_DEPLOY_NOT_ACTIONS }],
            },
          ];
  return [...roles.map(azureRoleGrant), ...custom];
}

/**
 * Resource providers the environment stacks use, registered once per
 * subscription by the administrator, so the CI identities (resource-group
 * scope) never need to register one.
 */
export const AZURE_RESOURCE_PROVIDERS = [
  "Microsoft.App",
  "Microsoft.ContainerRegistry",
  "Microsoft.Insights",
  "Microsoft.KeyVault",
  "Microsoft.ManagedIdentity",
  "Microsoft.OperationalInsights",
  "Microsoft.Storage",
  "Microsoft.Web",
] as const;

/**
 * Name of the environment's resource group, `rg-<service>-<env>`: lib/azure's
 * own name for it, so bootstrap and the environment stack mean the same group.
 * Bootstrap creates the group because the deploy identity's scope must exist
 * before the identity can be given it, and an identity scoped to the group
 * cannot create it. The environment stack only reads it (lib/azure/foundation.ts).
 */
export function azureResourceGroupName(service: string, environment: string, subscriptionId: string): string {
  return azureNames({ service, environment, subscriptionId }).resourceGroup;
}

/** `claims['sub'] matches '<pattern>'`: the flexible credential expression of an any-branch plan identity. */
export function planClaimsExpression(subjectPattern: string): string {
  return `claims['sub'] matches '${subjectPattern}'`;
}

/**
 * One environment's Azure settings, as bootstrap needs them. `protect`:
 * prevent_destroy and a `CanNotDelete` lock on the resource group, and plans
 * from the default branch only.
 */
export interface AzureEnvironmentTarget extends EnvironmentTrust {
  readonly subscriptionId: string;
  readonly location: string;
}

export interface AzureTenantTrustProps {
  readonly gitlab: GitlabOidc;
  readonly tenantId: string;
  readonly environments: readonly AzureEnvironmentTarget[];
  /** ServiceSpec name, part of the resource group name. */
  readonly service: string;
  /** Company settings: the standard tags of every resource. */
  readonly company: CompanyConfig;
  /** Plan identities trust any branch through a flexible credential (preview). @default true */
  readonly flexibleCredentials?: boolean;
}

/** One CI identity: the application (client id) and its service principal (role assignments). */
export interface AzureIdentity {
  readonly application: Application;
  readonly servicePrincipal: ServicePrincipal;
}

/** The Entra ID applications, credentials, resource groups and role assignments of every environment. */
export class AzureTenantTrust extends Construct {
  readonly azuread: AzureadProvider;
  readonly tenantId: string;
  /** Identities by environment, then purpose. */
  readonly identities: ReadonlyMap<string, Readonly<Record<IdentityPurpose, AzureIdentity>>>;
  readonly resourceGroups: ReadonlyMap<string, ResourceGroup>;
  /** The workload's identities of each environment (lib/bootstrap/workload/azure.ts). */
  readonly workloads: ReadonlyMap<string, AzureWorkloadIdentities>;

  constructor(scope: Construct, id: string, props: AzureTenantTrustProps) {
    super(scope, id);
    const { gitlab } = props;
    const flexible = props.flexibleCredentials ?? true;
    this.tenantId = props.tenantId;
    this.azuread = new AzureadProvider(this, "azuread", { tenantId: props.tenantId });

    // One azurerm provider per subscription, which also registers the providers the environments use.
    const subscriptions = new Map<string, AzurermProvider>();
    for (const subscriptionId of [...new Set(props.environments.map((env) => env.subscriptionId))]) {
      subscriptions.set(
        subscriptionId,
        new AzurermProvider(this, `azurerm-${subscriptionId}`, {
          alias: `subscription-${subscriptionId}`,
          features: [{}],
          subscriptionId,
          tenantId: props.tenantId,
          resourceProviderRegistrations: "none",
          resourceProvidersToRegister: [...AZURE_RESOURCE_PROVIDERS],
        }),
      );
    }

    // The plan identities' refresh role: one definition per subscription, assignable there only.
    const planRefreshRoles = new Map<string, RoleDefinition>();
    for (const [subscriptionId, provider] of subscriptions) {
      planRefreshRoles.set(
        subscriptionId,
        new RoleDefinition(this, `plan-refresh-role-${subscriptionId}`, {
          provider,
          name: azurePlanRefreshRoleName(props.service, subscriptionId),
          description: "Refresh calls of GitLab CI plan identities that Reader does not grant (bootstrap stack)",
          scope: `/subscriptions/${subscriptionId}`,
          assignableScopes: [`/subscriptions/${subscriptionId}`],
          permissions: [{ actions: [...AZURE_PLAN_REFRESH_ACTIONS] }],
        }),
      );
    }

    // The deploy identities' role: one definition per subscription, assignable there only.
    const deployRoles = new Map<string, RoleDefinition>();
    for (const [subscriptionId, provider] of subscriptions) {
      deployRoles.set(
        subscriptionId,
        new RoleDefinition(this, `deploy-role-${subscriptionId}`, {
          provider,
          name: azureDeployRoleName(props.service, subscriptionId),
          description:
            "GitLab CI deploy: the environment's resources, no authorization writes, no identity or federated credential (bootstrap stack)",
          scope: `/subscriptions/${subscriptionId}`,
          assignableScopes: [`/subscriptions/${subscriptionId}`],
          permissions: [{ actions: [...AZURE_DEPLOY_ACTIONS], notActions: [...AZURE_DEPLOY_NOT_ACTIONS] }],
        }),
      );
    }

    const identities = new Map<string, Record<IdentityPurpose, AzureIdentity>>();
    const workloads = new Map<string, AzureWorkloadIdentities>();
    const groups = new Map<string, ResourceGroup>();
    const slug = gitlab.projectPath.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    for (const env of props.environments) {
      const provider = subscriptions.get(env.subscriptionId);
      const group = new ResourceGroup(this, `${env.name}-resource-group`, {
        provider,
        name: azureResourceGroupName(props.service, env.name, env.subscriptionId),
        location: env.location,
        tags: bootstrapTags(props.company, env.name),
      });
      applyProtections(group, env.protect);
      groups.set(env.name, group);
      workloads.set(
        env.name,
        new AzureWorkloadIdentities(this, `${env.name}-workload`, {
          provider,
          group,
          service: props.service,
          environment: env.name,
          subscriptionId: env.subscriptionId,
          location: env.location,
          tags: bootstrapTags(props.company, env.name),
        }),
      );
      if (env.protect) {
        new ManagementLock(this, `${env.name}-resource-group-lock`, {
          provider,
          name: "bootstrap-can-not-delete",
          scope: group.id,
          lockLevel: "CanNotDelete",
          notes: `Protected environment ${env.name}: only an Owner or User Access Administrator may lift this lock (bootstrap stack)`,
        });
      }

      const byPurpose = {} as Record<IdentityPurpose, AzureIdentity>;
      for (const purpose of IDENTITY_PURPOSES) {
        const prefix = `${env.name}-${purpose}`;
        const expected = audience("azure", env.name, purpose);
        const subject = trustSubject(gitlab.projectPath, trustScope(gitlab, env, purpose));
        const application = new Application(this, `${prefix}-application`, {
          provider: this.azuread,
          displayName: `gitlab-ci-${slug}-${env.name}-${purpose}`,
          description: `GitLab CI ${purpose} identity of ${env.name} for ${gitlab.projectPath}`,
          signInAudience: "AzureADMyOrg",
          tags: ["gitlab-ci", `environment:${env.name}`, `purpose:${purpose}`],
        });
        const servicePrincipal = new ServicePrincipal(this, `${prefix}-service-principal`, {
          provider: this.azuread,
          clientId: application.clientId,
          tags: ["gitlab-ci"],
        });
        if (!subject.exact && flexible) {
          new ApplicationFlexibleFederatedIdentityCredential(this, `${prefix}-credential`, {
            provider: this.azuread,
            applicationId: application.id,
            displayName: "gitlab-any-branch",
            description: `Any branch of ${gitlab.projectPath}`,
            issuer: issuerUrl(gitlab),
            audience: expected,
            claimsMatchingExpression: planClaimsExpression(subject.value),
          });
        } else {
          new ApplicationFederatedIdentityCredential(this, `${prefix}-credential`, {
            provider: this.azuread,
            applicationId: application.id,
            displayName: "gitlab-default-branch",
            description: `Branch ${gitlab.defaultBranch} of ${gitlab.projectPath}`,
            issuer: issuerUrl(gitlab),
            audiences: [expected],
            subject: subjectClaim(gitlab.projectPath, "branch", gitlab.defaultBranch),
          });
        }
        const assign = (roleId: string, role: string, extra: Partial<{ definitionId: string }> = {}) =>
          new RoleAssignment(this, `${prefix}-${roleId}`, {
            provider,
            scope: group.id,
            ...(extra.definitionId === undefined
              ? { roleDefinitionName: role }
              : { roleDefinitionId: extra.definitionId }),
            principalId: servicePrincipal.objectId,
            // Skips the directory lookup that fails while a new principal replicates.
            principalType: "ServicePrincipal",
          });
        for (const role of AZURE_ROLES[purpose]) {
          const assignment = assign(role.toLowerCase().replace(/ /g, "-"), role);
          if (role === "Key Vault Secrets User") {
            // docs/choices.md, "Azure plans after the first apply": the refresh of the origin secret reads it.
            suppress(
              assignment,
              "BP_AZ_9",
              "refreshing azurerm_key_vault_secret is a data-plane read; the value is already in the state this plan reads (random_password), and a protected environment's plan identity trusts the default branch only",
            );
          }
        }
        if (purpose === "plan") {
          const refresh = planRefreshRoles.get(env.subscriptionId) as RoleDefinition;
          assign("plan-refresh", refresh.name, { definitionId: refresh.roleDefinitionResourceId });
        }
        if (purpose === "deploy") {
          const deployRole = deployRoles.get(env.subscriptionId) as RoleDefinition;
          assign("deploy-custom-role", deployRole.name, { definitionId: deployRole.roleDefinitionResourceId });
        }
        byPurpose[purpose] = { application, servicePrincipal };
      }
      identities.set(env.name, byPurpose);
    }
    this.identities = identities;
    this.resourceGroups = groups;
    this.workloads = workloads;
  }
}
