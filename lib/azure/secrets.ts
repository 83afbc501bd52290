/**
 * Where the values of ServiceSpec.secretNames live on Azure: one Key Vault per
 * environment (RBAC mode), created only when the service names secrets. The
 * stack never holds a value: an operator sets each secret in the vault
 * (`az keyvault secret set --vault-name <vault> --name <NAME-WITH-HYPHENS>`),
 * and the targets reference the versionless secret URI, so rotating a value
 * needs no deploy. Who reads them is bootstrap's decision: the workload
 * identities' Key Vault Secrets User on the group (lib/azure/identity.ts);
 * the stack grants nothing.
 */

import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { VARIABLE_NAME } from "../contract/spec-validation";
import type { SecretReference } from "../contract/workload-environment";
import { type AzurePlacement, placedIn } from "./placement";

export interface SecretStoreProps extends AzurePlacement {
  /** Vault name (3-24, globally unique). */
  readonly name: string;
  /** Entra tenant of the subscription (a token is fine). */
  readonly tenantId: string;
}

/** Throws unless every name can become an env var, a Key Vault secret and a Container Apps secret. */
export function assertSecretNames(names: readonly string[]): void {
  const bad = names.filter((name) => !VARIABLE_NAME.test(name) || name.length > 120);
  if (bad.length > 0) {
    throw new ConstructError(
      "BPE_AZURE_5",
      undefined,
      `secret names ${bad.map((n) => JSON.stringify(n)).join(", ")} must be environment variable names (a letter, then letters, digits, underscores)`,
    );
  }
  const keys = new Set<string>();
  for (const name of names) {
    const key = containerAppSecretName(name);
    if (keys.has(key)) throw new ConstructError("BPE_AZURE_6", undefined, `secret names differ only in case: ${name}`);
    keys.add(key);
  }
}

/** Key Vault secret names allow letters, digits and hyphens: DB_PASSWORD -> DB-PASSWORD. */
export function keyVaultSecretName(name: string): string {
  return name.replace(/_/g, "-");
}

/** Container Apps secret names are lowercase letters, digits and hyphens: DB_PASSWORD -> db-password. */
export function containerAppSecretName(name: string): string {
  return name.toLowerCase().replace(/_/g, "-");
}

export class SecretStore extends Construct {
  readonly vault: KeyVault;
  private readonly vaultUri: string;
  /** Versionless ids of the generated secrets stored so far, by name. */
  private readonly generated = new Map<string, string>();

  constructor(scope: Construct, id: string, props: SecretStoreProps) {
    super(scope, id);
    this.vault = new KeyVault(this, "vault", {
      name: props.name,
      ...placedIn(props),
      tenantId: props.tenantId,
      skuName: "standard",
      rbacAuthorizationEnabled: true,
      // Targets without a VNet read it over the public endpoint, by identity.
      publicNetworkAccessEnabled: true,
    });
    this.vaultUri = this.vault.vaultUri;
  }

  /** Versionless URI of secret `name` (the latest version is read). */
  secretUri(name: string): string {
    return `${this.vaultUri}secrets/${keyVaultSecretName(name)}`;
  }

  /**
   * Stores a secret the stack generates (the edge's origin secret, a
   * sensitive token) in the vault, written by the identity running apply
   * (Key Vault Secrets Officer on the group: bootstrap gives it to the CI
   * deploy identity). Returns the versionless URI the targets reference
   * (a Container Apps Key Vault secret; the function's `*_KEYVAULT_URI` setting).
   */
  storeGenerated(id: string, props: { readonly name: string; readonly value: string }): string {
    // The function and the container share the vault: a secret both read is stored once.
    const stored = this.generated.get(props.name);
    if (stored !== undefined) return stored;
    const secret = new KeyVaultSecret(this, id, {
      name: keyVaultSecretName(props.name),
      value: props.value,
      keyVaultId: this.vault.id,
      contentType: "text/plain",
    });
    this.generated.set(props.name, secret.versionlessId);
    return secret.versionlessId;
  }

  /**
   * The versionless URI a target references for `ref`: an operator's secret
   * by its name; a generated one (the origin secret) stored first, once for
   * all targets (the first caller's `owner` names its resource).
   */
  referenceUri(owner: string, ref: SecretReference): string {
    return ref.value === undefined
      ? this.secretUri(ref.secret)
      : this.storeGenerated(`${owner}-${ref.secret}`, { name: ref.secret, value: ref.value });
  }
}
