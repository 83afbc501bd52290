/**
 * What both Azure targets of one environment share: the resource group, the
 * names, and the logs (Log Analytics + Application Insights). Created once per
 * stack by whichever target comes first (`AzureFoundation.of`), so the stack
 * only adds the two targets.
 *
 * The resource group is read, never created: the bootstrap stack creates
 * `rg-<service>-<env>` (lib/bootstrap/azure.ts, same `azureNames`) and scopes
 * the CI identities to it, so the deploy identity (Contributor on that group
 * only) could not create it anyway. Resources name the group by its known name
 * and location from settings, which keeps the JSON readable; no reference is
 * needed for ordering, because Terraform reads every data source at plan time
 * and a missing group fails the plan before anything is created.
 */
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { DataAzurermResourceGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-resource-group";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { applyProtections } from "../policy/protections";
import type { ServiceSpec } from "../service";
import { ExistingWorkloadIdentity } from "./identity";
import { AzureLogs } from "./logs";
import { type AzureNames, azureNames } from "./naming";
import { SecretStore } from "./secrets";
import type { AzureSettings } from "./settings";

export interface AzureFoundationProps {
  readonly spec: ServiceSpec;
  /** The environment's `azure` block. */
  readonly settings: AzureSettings;
  /** prevent_destroy on the log workspace (and the stateful resources the targets add); bootstrap protects the group. */
  readonly protect: boolean;
}

const FOUNDATION_ID = "azure-foundation";

export class AzureFoundation extends Construct {
  /**
   * The stack's foundation, created on first use. Later callers must pass the
   * same service, environment, location, subscription and protect flag.
   */
  static of(scope: Construct, props: AzureFoundationProps): AzureFoundation {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(FOUNDATION_ID);
    if (existing === undefined) return new AzureFoundation(stack, FOUNDATION_ID, props);
    if (!(existing instanceof AzureFoundation)) {
      throw new ConstructError(
        "BPE_AZURE_2",
        `${stack.node.path}/${FOUNDATION_ID}`,
        "exists and is not an AzureFoundation",
      );
    }
    existing.assertCompatible(props);
    return existing;
  }

  /** The foundation a target builds in: the one its props name, else the stack's (created on first use). */
  static forTarget(
    target: Construct,
    props: { readonly foundation?: AzureFoundation; readonly spec: ServiceSpec; readonly settings: AzureSettings },
    protect: boolean,
  ): AzureFoundation {
    return props.foundation ?? AzureFoundation.of(target, { spec: props.spec, settings: props.settings, protect });
  }

  readonly spec: ServiceSpec;
  readonly settings: AzureSettings;
  readonly protect: boolean;
  readonly names: AzureNames;
  /** The environment's resource group, created by bootstrap; its `id` is the group's resource id. */
  readonly resourceGroup: DataAzurermResourceGroup;
  /** The resource group's name as a plain string (`names.resourceGroup`). */
  readonly resourceGroupName: string;
  readonly logs: AzureLogs;
  private clientConfigData?: DataAzurermClientConfig;
  private secretStore?: SecretStore;

  constructor(scope: Construct, id: string, props: AzureFoundationProps) {
    super(scope, id);
    this.spec = props.spec;
    this.settings = props.settings;
    this.protect = props.protect;
    // The workspace, insights and vault live here, outside the targets: protect them here too.
    applyProtections(this, props.protect);
    this.names = azureNames({
      service: props.spec.name,
      environment: props.spec.environment,
      subscriptionId: props.settings.subscriptionId,
    });
    this.resourceGroup = new DataAzurermResourceGroup(this, "resource-group", { name: this.names.resourceGroup });
    this.resourceGroupName = this.names.resourceGroup;
    this.logs = new AzureLogs(this, "logs", {
      resourceGroupName: this.resourceGroupName,
      location: props.settings.location,
      workspaceName: this.names.logAnalytics,
      applicationInsightsName: this.names.applicationInsights,
      retentionDays: props.spec.logRetentionDays,
    });
  }

  get location(): string {
    return this.settings.location;
  }

  /**
   * A target's own managed identity (id `identity` under the target), in the
   * environment's group: made, with its roles, by bootstrap; read here.
   */
  addIdentity(target: Construct, name: string): ExistingWorkloadIdentity {
    return new ExistingWorkloadIdentity(target, "identity", {
      name,
      resourceGroupName: this.resourceGroupName,
      subscriptionId: this.settings.subscriptionId,
    });
  }

  /** The identity running `terraform apply` (tenant id, object id); read at plan time. */
  get clientConfig(): DataAzurermClientConfig {
    this.clientConfigData ??= new DataAzurermClientConfig(this, "client-config", {});
    return this.clientConfigData;
  }

  /** The Key Vault for ServiceSpec.secretNames, created on first use (only when the service names secrets). */
  get secrets(): SecretStore {
    this.secretStore ??= new SecretStore(this, "secrets", {
      name: this.names.keyVault,
      resourceGroupName: this.resourceGroupName,
      location: this.location,
      tenantId: this.clientConfig.tenantId,
    });
    return this.secretStore;
  }

  private assertCompatible(props: AzureFoundationProps): void {
    const mismatches = [
      props.spec.name !== this.spec.name && "spec.name",
      props.spec.environment !== this.spec.environment && "spec.environment",
      props.spec.logRetentionDays !== this.spec.logRetentionDays && "spec.logRetentionDays",
      props.settings.location !== this.settings.location && "settings.location",
      props.settings.subscriptionId !== this.settings.subscriptionId && "settings.subscriptionId",
      props.protect !== this.protect && "protect",
    ].filter((m): m is string => m !== false);
    if (mismatches.length > 0) {
      throw new ConstructError(
        "BPE_AZURE_1",
        this.node.path,
        `both Azure targets of a stack share one foundation; they differ in ${mismatches.join(", ")}`,
      );
    }
  }
}
