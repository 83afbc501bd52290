/** Builds the Azure targets alone in a stack, for tests that vary props the environment files cannot. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ContainerTarget, type ContainerTargetProps } from "../../lib/azure/container-target";
import { FunctionTarget, type FunctionTargetProps } from "../../lib/azure/function-target";
import type { AzureSettings } from "../../lib/azure/settings";
import { type FunctionBundle, type ServiceSpec, serviceSpecFor } from "../../lib/service";
import { environmentConfig, FIXTURE_SERVICE, testApp } from "../helpers/environments";
import { scratchDir } from "../helpers/scratch";
import type { TerraformJson } from "../helpers/terraform";

export { all, only as one, refOf } from "../helpers/terraform";

/** A small fake zip: the targets only need a file and its hash. */
export function fakeBundle(): FunctionBundle {
  const dir = scratchDir("azure-bundle");
  const path = join(dir, "azure.zip");
  writeFileSync(path, "PK fake bundle");
  return { path, sha256: "ab".repeat(32) };
}

/** A Terraform reference standing in for the edge's shared secret. */
export const ORIGIN_SECRET_REF = `\${random_password.origin.result}`;

export const SETTINGS: AzureSettings = {
  location: "westeurope",
  subscriptionId: "00000000-0000-0000-0000-00000000000a",
};

/** The test environment's spec with `patch` applied. */
export function testSpec(patch: Partial<ServiceSpec> = {}): ServiceSpec {
  return { ...serviceSpecFor(environmentConfig()), ...FIXTURE_SERVICE, ...patch };
}

export interface AzureStackOptions {
  readonly spec?: Partial<ServiceSpec>;
  readonly settings?: Partial<AzureSettings>;
  readonly protect?: boolean;
  readonly function?: Partial<FunctionTargetProps>;
  readonly container?: Partial<ContainerTargetProps>;
}

export interface AzureStack {
  readonly stack: TerraformStack;
  readonly fn: FunctionTarget;
  readonly ct: ContainerTarget;
  readonly json: TerraformJson;
}

/** A stack with the azurerm provider and both Azure targets (endpoints as outputs `function_endpoint`, `container_endpoint`), synthesized. */
export function azureStack(options: AzureStackOptions = {}): AzureStack {
  const app = testApp();
  const stack = new TerraformStack(app, "azure-test");
  new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId: SETTINGS.subscriptionId });
  const spec = testSpec(options.spec);
  const settings = { ...SETTINGS, ...options.settings };
  const protect = options.protect ?? false;
  const fn = new FunctionTarget(stack, "fn", { spec, settings, protect, bundle: fakeBundle(), ...options.function });
  const ct = new ContainerTarget(stack, "ct", { spec, settings, protect, ...options.container });
  new TerraformOutput(stack, "function-endpoint", { value: fn.endpoint }).overrideLogicalId("function_endpoint");
  new TerraformOutput(stack, "container-endpoint", { value: ct.endpoint }).overrideLogicalId("container_endpoint");
  return { stack, fn, ct, json: JSON.parse(Testing.synth(stack)) as TerraformJson };
}

/**
 * A target's identity as the stack uses it (bootstrap made it): its resource
 * id, derived from the name the stack reads, and its client id, read by the
 * data source. `suffix`: `-function` or `-container`.
 */
export function identityOf(json: TerraformJson, suffix: string): { readonly id: string; readonly clientId: string } {
  const [key, data] =
    Object.entries(json.data?.azurerm_user_assigned_identity ?? {}).find(([, d]) =>
      String((d as { name: string }).name).endsWith(suffix),
    ) ?? [];
  if (key === undefined) throw new Error(`no identity named *${suffix} is read`);
  const { name, resource_group_name: group } = data as { name: string; resource_group_name: string };
  return {
    id: `/subscriptions/${SETTINGS.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    clientId: `\${data.azurerm_user_assigned_identity.${key}.client_id}`,
  };
}
