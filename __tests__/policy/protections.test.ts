import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { type TerraformStack, Testing } from "cdktf";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { DELETION_PROTECTION, STATEFUL_TYPES, STATELESS_TYPES } from "../../lib/policy/protections";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { synthBootstrap } from "../bootstrap/helpers";
import { environmentConfig, shippedEnvironments, synthEnvironment, testApp } from "../helpers/environments";
import { resourcesOf, type TerraformJson } from "../helpers/terraform";
import { checkStack, policyStack } from "./helpers";

const where = { resourceGroupName: "rg", location: "westeurope" };
const image = { containers: [{ image: "europe-docker.pkg.dev/p/images/shop:1" }] };

function statefulResources(stack: TerraformStack): void {
  new EcrRepository(stack, "ecr", { name: "shop", forceDelete: true });
  new CloudwatchLogGroup(stack, "logs", { name: "/aws/lambda/shop", retentionInDays: 7 });
  new ContainerRegistry(stack, "acr", { ...where, name: "acr", sku: "Basic" });
  new StorageAccount(stack, "storage", {
    ...where,
    name: "st",
    accountTier: "Standard",
    accountReplicationType: "LRS",
  });
  new LogAnalyticsWorkspace(stack, "workspace", { ...where, name: "logs", retentionInDays: 30 });
  new ArtifactRegistryRepository(stack, "registry", { repositoryId: "images", format: "DOCKER", location: "eu" });
  new StorageBucket(stack, "bucket", { name: "b", location: "EU", forceDestroy: true });
}

function resource(json: TerraformJson, type: string, id: string): Record<string, unknown> {
  return resourcesOf(json, type)[id];
}

describe("production protections", () => {
  describe("with protect: true", () => {
    const stack = policyStack({ protect: true });
    statefulResources(stack);
    new Lb(stack, "alb", { name: "alb" });
    new CloudRunV2Service(stack, "run", { name: "shop", location: "eu", template: image, deletionProtection: false });
    new IamRole(stack, "role", { assumeRolePolicy: "{}" });
    const { json } = checkStack(stack);

    it.each([
      ["aws_ecr_repository", "ecr"],
      ["aws_cloudwatch_log_group", "logs"],
      ["azurerm_container_registry", "acr"],
      ["azurerm_storage_account", "storage"],
      ["azurerm_log_analytics_workspace", "workspace"],
      ["google_artifact_registry_repository", "registry"],
      ["google_storage_bucket", "bucket"],
    ])("prevents destroying %s", (type, id) => {
      expect(resource(json, type, id).lifecycle).toEqual({ prevent_destroy: true });
    });

    it("turns deletion protection on and force-delete off, overriding the construct", () => {
      expect(resource(json, "aws_lb", "alb").enable_deletion_protection).toBe(true);
      expect(resource(json, "aws_cloudwatch_log_group", "logs").deletion_protection_enabled).toBe(true);
      expect(resource(json, "google_cloud_run_v2_service", "run").deletion_protection).toBe(true);
      expect(resource(json, "aws_ecr_repository", "ecr").force_delete).toBe(false);
      expect(resource(json, "google_storage_bucket", "bucket").force_destroy).toBe(false);
    });

    it("leaves stateless resources alone", () => {
      expect(resource(json, "aws_lb", "alb").lifecycle).toBeUndefined();
      expect(resource(json, "aws_iam_role", "role")).not.toHaveProperty("lifecycle");
    });
  });

  describe("with protect: false", () => {
    const stack = policyStack({ protect: false });
    statefulResources(stack);
    new CloudRunV2Service(stack, "run", { name: "shop", location: "eu", template: image });
    new CloudRunV2Service(stack, "kept", { name: "kept", location: "eu", template: image, deletionProtection: true });
    const { json } = checkStack(stack);

    it("adds no prevent_destroy and keeps the construct's own values", () => {
      expect(resource(json, "aws_ecr_repository", "ecr")).not.toHaveProperty("lifecycle");
      expect(resource(json, "aws_ecr_repository", "ecr").force_delete).toBe(true);
      expect(resource(json, "google_storage_bucket", "bucket").force_destroy).toBe(true);
      expect(resource(json, "google_cloud_run_v2_service", "kept").deletion_protection).toBe(true);
    });

    it("writes Cloud Run's protected-by-default deletion_protection as false, explicitly", () => {
      expect(resource(json, "google_cloud_run_v2_service", "run").deletion_protection).toBe(false);
    });
  });

  it("follows the environment's protect flag in EnvironmentStack", () => {
    // One cloud is enough: the flag reaches every resource of the stack the same way, whatever its cloud.
    const config = (protect: boolean) =>
      environmentConfig({
        protect,
        clouds: ["aws"],
        azure: undefined,
        gcp: undefined,
        weights: { "aws.function": 100 },
      });
    const build = (protect: boolean) => {
      const stack = new EnvironmentStack(testApp(), { config: config(protect) });
      new EcrRepository(stack, "ecr", { name: "shop", imageTagMutability: "IMMUTABLE" });
      return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
    };
    expect(resource(build(true), "aws_ecr_repository", "ecr").lifecycle).toEqual({ prevent_destroy: true });
    expect(resource(build(false), "aws_ecr_repository", "ecr")).not.toHaveProperty("lifecycle");
  });
});

describe("one source of truth for protections", () => {
  const environments = shippedEnvironments();
  const stacks = [
    ...environments.flatMap((config) => [
      { name: `${config.name} (protect)`, protect: true, json: synthEnvironment({ ...config, protect: true }).json },
      {
        name: `${config.name} (no protect)`,
        protect: false,
        json: synthEnvironment({ ...config, protect: false }).json,
      },
    ]),
  ];
  const bootstrap = synthBootstrap();
  const typesOf = (json: TerraformJson) => Object.keys(json.resource ?? {});

  it("classifies every resource type the stacks synthesize as stateful or stateless, never both", () => {
    const types = new Set([...stacks.flatMap((s) => typesOf(s.json)), ...typesOf(bootstrap)]);
    const unclassified = [...types].filter((type) => !STATEFUL_TYPES.has(type) && !STATELESS_TYPES.has(type));
    // A new type: add it to STATEFUL_TYPES (destroying it loses data) or STATELESS_TYPES in lib/policy/protections.ts.
    expect(unclassified).toEqual([]);
    expect([...STATEFUL_TYPES].filter((type) => STATELESS_TYPES.has(type))).toEqual([]);
  });

  it("protects every stateful resource and sets every protection argument with protect, and none without", () => {
    for (const { name, protect, json } of stacks) {
      const wrong: string[] = [];
      for (const [type, resources] of Object.entries(json.resource ?? {})) {
        for (const [id, attributes] of Object.entries(resources)) {
          const preventDestroy = (attributes.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy;
          if ((preventDestroy === true) !== (protect && STATEFUL_TYPES.has(type)))
            wrong.push(`${type}.${id} prevent_destroy`);
          for (const [argument, values] of Object.entries(DELETION_PROTECTION[type] ?? {})) {
            const expected = protect ? values.protected : values.unprotected;
            if (attributes[argument] !== expected) wrong.push(`${type}.${id}.${argument} = ${attributes[argument]}`);
          }
        }
      }
      expect({ name, wrong }).toEqual({ name, wrong: [] });
    }
  });

  it("is decided in lib/policy/protections.ts only: no construct sets a protection argument itself", () => {
    const arguments_ =
      /\b(preventDestroy|forceDestroy|forceDelete|deletionProtection\w*|enableDeletionProtection|skipDestroy|purgeProtectionEnabled|softDeleteRetentionDays|deletionWindowInDays)\s*:/;
    const offenders = readdirSync(join(REPOSITORY_ROOT, "lib"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.startsWith("policy"))
      .filter((file) => arguments_.test(readFileSync(join(REPOSITORY_ROOT, "lib", file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
