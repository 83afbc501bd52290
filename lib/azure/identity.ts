/**
 * A user-assigned managed identity for one target, with helpers to grant it
 * built-in roles at the narrowest scope that works.
 *
 * Bootstrap makes the targets' identities and their role assignments
 * (lib/bootstrap/workload/azure.ts, from `azureWorkloadIdentities`), on the
 * environment's resource group: the resources they reach do not exist yet
 * when bootstrap runs, and each kind appears once in the group. The targets
 * read them (`ExistingWorkloadIdentity`), so the deploy identity creates no
 * identity, no federated credential and no role assignment.
 */
import { DataAzurermUserAssignedIdentity } from "@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity";
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Construct } from "constructs";
import type { AzureNames } from "./naming";
import { type AzurePlacement, placedIn } from "./placement";

/** The targets' identities, by target. */
export type AzureWorkloadIdentityKind = "function" | "container";

export interface AzureWorkloadIdentity {
  readonly name: string;
  /** Built-in roles it holds on the environment's resource group. */
  readonly roles: readonly string[];
}

/** Every workload identity of one environment, whether or not a target of the stack uses it. */
export function azureWorkloadIdentities(
  names: Pick<AzureNames, "functionIdentity" | "containerIdentity">,
): Readonly<Record<AzureWorkloadIdentityKind, AzureWorkloadIdentity>> {
  return {
    // Host storage (leases, keys) and the package: the Functions host needs Owner on blob data;
    // Application Insights takes telemetry only with an Entra ID token (local auth is off); the
    // workload reads its secrets from Key Vault itself (app/adapters/azure-key-vault.ts).
    function: {
      name: names.functionIdentity,
      roles: ["Storage Blob Data Owner", "Monitoring Metrics Publisher", "Key Vault Secrets User"],
    },
    // Pull from the registry, and read the secrets the app references in Key Vault.
    container: { name: names.containerIdentity, roles: ["AcrPull", "Key Vault Secrets User"] },
  };
}

/** An identity bootstrap made, as a target uses it. */
export interface WorkloadIdentityReference {
  /** Resource id, for `identity_ids`, registry and storage authentication (known at synth time). */
  readonly id: string;
  /** Client (application) id, for `__clientId` settings and AAD authentication strings (read at plan time). */
  readonly clientId: string;
}

/** Reads identity `name` of the group: Reader (plan) and Contributor-like (deploy) both read it. */
export class ExistingWorkloadIdentity extends Construct implements WorkloadIdentityReference {
  readonly id: string;
  readonly clientId: string;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly name: string; readonly resourceGroupName: string; readonly subscriptionId: string },
  ) {
    super(scope, id);
    const data = new DataAzurermUserAssignedIdentity(this, "identity", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
    });
    this.id = `/subscriptions/${props.subscriptionId}/resourceGroups/${props.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${props.name}`;
    this.clientId = data.clientId;
  }
}

export interface WorkloadIdentityProps extends AzurePlacement {
  readonly name: string;
  /** Provider of the subscription (bootstrap has one per subscription). @default - the stack's */
  readonly provider?: AzurermProvider;
  /** @default - none (an environment stack's tags aspect adds them) */
  readonly tags?: Readonly<Record<string, string>>;
}

export class WorkloadIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  /** Resource id, for `identity_ids`, registry and storage authentication. */
  readonly id: string;
  /** Client (application) id, for `__clientId` settings and AAD authentication strings. */
  readonly clientId: string;
  /** Object id of the identity's service principal, for role assignments. */
  readonly principalId: string;
  private readonly provider?: AzurermProvider;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    this.provider = props.provider;
    this.identity = new UserAssignedIdentity(this, "identity", {
      provider: props.provider,
      name: props.name,
      ...placedIn(props),
      tags: props.tags === undefined ? undefined : { ...props.tags },
    });
    // Each attribute read makes a new token (and cdktf records a stack trace for each): read once.
    this.id = this.identity.id;
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
  }

  /** Grants the built-in role `role` on `scope` (a resource id). */
  grant(id: string, role: string, scope: string): RoleAssignment {
    return grantRole(this, id, {
      role,
      scope,
      principalId: this.principalId,
      principalType: "ServicePrincipal",
      provider: this.provider,
    });
  }
}

export interface RoleGrant {
  /** Built-in role name, e.g. "AcrPull". Never Owner/Contributor. */
  readonly role: string;
  /** Resource id the role applies to. */
  readonly scope: string;
  readonly principalId: string;
  /**
   * "ServicePrincipal" (managed identities, service principals), "User" or "Group"; may be a token.
   * Required: the bootstrap deploy identity may only create assignments whose request names
   * ServicePrincipal, and a known type skips the Entra ID lookup that fails right after creation.
   */
  readonly principalType: string;
  /** @default - the stack's provider */
  readonly provider?: AzurermProvider;
}

/** One role assignment. */
export function grantRole(scope: Construct, id: string, grant: RoleGrant): RoleAssignment {
  return new RoleAssignment(scope, id, {
    provider: grant.provider,
    scope: grant.scope,
    roleDefinitionName: grant.role,
    principalId: grant.principalId,
    principalType: grant.principalType,
    skipServicePrincipalAadCheck: grant.principalType === "ServicePrincipal" ? true : undefined,
  });
}
