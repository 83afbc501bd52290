/**
 * The Terraform state backend of one environment stack.
 *
 * - `local`: a state file at the repository root, written as a path relative
 *   to the stack's working directory (`cdktf.out/stacks/<env>`); cdktf's own
 *   default would bake this machine's absolute path into the JSON.
 * - `http`: GitLab-managed state. The JSON holds the non-secret addresses
 *   derived from `environments/company.ts` (`https://<host>/api/v4/projects/
 *   <id>/terraform/state/<env>`, its `/lock`), so `cdktf deploy <env>` needs
 *   only `TF_HTTP_USERNAME` and `TF_HTTP_PASSWORD` (a token) from the
 *   environment; no credential is ever synthesized. cdktf's `HttpBackend`
 *   is not used: it would accept (and write) a password.
 * - `s3`, `azurerm`, `gcs`: the usual remote backends, for forks that keep
 *   state in their own cloud.
 * - `cloud`: state in the environment's own account, in the bucket (or
 *   storage account) the bootstrap stack created for it, readable only by
 *   the environment's plan and deploy identities (lib/config/state.ts);
 *   what protected environments use. The jobs' cloud credentials open it.
 */
import {
  AzurermBackend,
  DataTerraformRemoteStateHttp,
  GcsBackend,
  LocalBackend,
  S3Backend,
  TerraformBackend,
  type TerraformRemoteState,
  type TerraformStack,
} from "cdktf";
import type { Construct } from "constructs";
import type { CompanyConfig } from "./config/company";
import type { EnvironmentConfig } from "./config/schema";
import { type StateLocation, stateCloud, stateLocation } from "./config/state";
import { ConstructError } from "./contract/errors";

/** GitLab's state API address of `stack` in the company's project (not a secret). */
export function gitlabStateAddress(gitlab: CompanyConfig["gitlab"], stack: string): string {
  return `https://${gitlab.host}/api/v4/projects/${gitlab.projectId}/terraform/state/${encodeURIComponent(stack)}`;
}

/** `backend "http"` with GitLab's addresses and lock methods only: username and token come from TF_HTTP_* at init. */
export class EnvironmentHttpBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly address: string,
  ) {
    super(scope, "backend", "http");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const lock = `${this.address}/lock`;
    return {
      address: this.address,
      lock_address: lock,
      unlock_address: lock,
      lock_method: "POST",
      unlock_method: "DELETE",
    };
  }

  getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string): TerraformRemoteState {
    throw new ConstructError(
      "BPE_BACKEND_1",
      `${scope.node.path}/${name}`,
      `remote state of GitLab-managed http state needs its address; create a DataTerraformRemoteStateHttp with it instead (${DataTerraformRemoteStateHttp.name})`,
    );
  }
}

/** Path of the local state file as seen from `cdktf.out/stacks/<env>`, where terraform runs. */
export function localStatePath(environment: string): string {
  return `../../../terraform.${environment}.tfstate`;
}

/** Where a `cloud` backend keeps `env`'s state; undefined for every other backend. */
export function environmentStateLocation(env: EnvironmentConfig): StateLocation | undefined {
  return env.backend.type === "cloud" ? stateLocation(env, stateCloud(env, env.backend.cloud)) : undefined;
}

/** S3-native locking (Terraform 1.10+, OpenTofu 1.10+); cdktf 0.21's types predate it. */
function s3Backend(
  stack: TerraformStack,
  props: { bucket: string; key: string; region: string; dynamodbTable?: string; kmsKeyId?: string },
): S3Backend {
  const s3 = new S3Backend(stack, { ...props, encrypt: true });
  if (props.dynamodbTable === undefined) s3.addOverride("use_lockfile", true);
  return s3;
}

/**
 * The `terraform.backend` block a `cloud` state synthesizes to, as JSON: what
 * a job writes into an empty folder to read the state's outputs without the
 * stack (`stable:<env>`). A test holds it equal to the synthesized stack's.
 */
export function cloudBackendJson(location: StateLocation): Record<string, Record<string, unknown>> {
  switch (location.cloud) {
    case "aws":
      return {
        s3: {
          bucket: location.bucket,
          encrypt: true,
          key: location.key,
          kms_key_id: location.kmsAlias,
          region: location.region,
          use_lockfile: true,
        },
      };
    case "gcp":
      return { gcs: { bucket: location.bucket, prefix: location.prefix } };
    case "azure":
      return {
        azurerm: {
          container_name: location.containerName,
          key: location.key,
          resource_group_name: location.resourceGroupName,
          storage_account_name: location.storageAccountName,
          subscription_id: location.subscriptionId,
          use_azuread_auth: true,
          use_oidc: true,
        },
      };
  }
}

/** The backend of the bootstrap-made state store `location`. */
function cloudBackend(stack: TerraformStack, location: StateLocation): TerraformBackend {
  switch (location.cloud) {
    case "aws":
      // The bucket's default encryption is the environment's KMS key; kms_key_id makes every write say so.
      return s3Backend(stack, {
        bucket: location.bucket,
        key: location.key,
        region: location.region,
        kmsKeyId: location.kmsAlias,
      });
    case "gcp":
      return new GcsBackend(stack, { bucket: location.bucket, prefix: location.prefix });
    case "azure":
      // Entra ID (the job's OIDC token) on the data plane only: the account allows no shared key.
      return new AzurermBackend(stack, {
        subscriptionId: location.subscriptionId,
        resourceGroupName: location.resourceGroupName,
        storageAccountName: location.storageAccountName,
        containerName: location.containerName,
        key: location.key,
        useAzureadAuth: true,
        useOidc: true,
      });
  }
}

/** The backend of `env.name`'s stack; the bootstrap stack passes its own name and backend. */
export function addBackend(
  stack: TerraformStack,
  env: Pick<EnvironmentConfig, "name" | "backend" | "company"> & Partial<EnvironmentConfig>,
): TerraformBackend {
  const backend = env.backend;
  switch (backend.type) {
    case "cloud":
      return cloudBackend(stack, environmentStateLocation(env as EnvironmentConfig) as StateLocation);
    case "local":
      return new LocalBackend(stack, { path: localStatePath(env.name) });
    case "http":
      return new EnvironmentHttpBackend(stack, gitlabStateAddress(env.company.gitlab, env.name));
    case "s3": {
      const { type: _s3, ...props } = backend;
      return s3Backend(stack, props);
    }
    case "azurerm":
      return new AzurermBackend(stack, {
        resourceGroupName: backend.resourceGroupName,
        storageAccountName: backend.storageAccountName,
        containerName: backend.containerName,
        key: backend.key,
        useAzureadAuth: true,
      });
    case "gcs":
      return new GcsBackend(stack, { bucket: backend.bucket, prefix: backend.prefix });
  }
}
