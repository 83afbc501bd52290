/**
 * A user-assigned managed identity for one target, with helpers to grant it
 * built-in roles at the narrowest scope that works.
 */
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Construct } from "constructs";

export interface WorkloadIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
}

export class WorkloadIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  /** Resource id, for `identity_ids`, registry and storage authentication. */
  readonly id: string;
  /** Client (application) id, for `__clientId` settings and AAD authentication strings. */
  readonly clientId: string;
  /** Object id of the identity's service principal, for role assignments. */
  readonly principalId: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    this.identity = new UserAssignedIdentity(this, "identity", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    // Each attribute read makes a new token (and cdktf records a stack trace for each): read once.
    this.id = this.identity.id;
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
  }

  /** Grants the built-in role `role` on `scope` (a resource id). */
  grant(id: string, role: string, scope: string): RoleAssignment {
    return grantRole(this, id, { role, scope, principalId: this.principalId, principalType: "ServicePrincipal" });
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
}

/** One role assignment. */
export function grantRole(scope: Construct, id: string, grant: RoleGrant): RoleAssignment {
  return new RoleAssignment(scope, id, {
    scope: grant.scope,
    roleDefinitionName: grant.role,
    principalId: grant.principalId,
    principalType: grant.principalType,
    skipServicePrincipalAadCheck: grant.principalType === "ServicePrincipal" ? true : undefined,
  });
}
