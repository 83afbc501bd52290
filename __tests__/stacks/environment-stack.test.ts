import { Testing } from "cdktf";
import { CLOUDS, TARGET_KINDS } from "../../lib/config/schema";
import { gcpLabels, standardTags } from "../../lib/policy/tags";
import { CLOUD_MODULES, cloudRegion } from "../../lib/stacks/clouds";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { COMPANY, environmentConfig, gitlabHttpBackend, synthEnvironment, testApp } from "../helpers/environments";

describe("EnvironmentStack", () => {
  it("has a registry module for every cloud", () => {
    expect(Object.keys(CLOUD_MODULES).sort()).toEqual([...CLOUDS].sort());
  });

  it("creates a function and a container target for each enabled cloud from the registry, and none for the others", () => {
    for (const off of CLOUDS) {
      const on = CLOUDS.filter((cloud) => cloud !== off);
      const config = environmentConfig({
        clouds: on,
        [off]: undefined,
        weights: { [`${on[0]}.function`]: 100 },
      });
      // Constructed only: targets and origins are set while constructing, synth adds nothing to them.
      const stack = new EnvironmentStack(testApp(), { config });
      const expected = on.flatMap((cloud) => TARGET_KINDS.map((kind) => `${cloud}.${kind}`));
      expect(stack.targets.map((t) => t.origin.id)).toEqual(expected);
      expect(stack.origins.map((o) => o.id)).toEqual(expected);
      for (const target of stack.targets) {
        expect(target.identifiers.region).toBe(cloudRegion(config, target.cloud));
        expect(target.healthPath).toBe(stack.spec.healthPath);
      }
    }
  });

  it("configures one provider per enabled cloud plus Cloudflare and random, without credentials", () => {
    const { json } = synthEnvironment(
      environmentConfig({
        clouds: ["aws", "gcp"],
        azure: undefined,
        weights: { "aws.function": 50, "gcp.container": 50 },
      }),
    );
    expect(Object.keys(json.provider ?? {}).sort()).toEqual(["aws", "cloudflare", "google", "random"]);
    expect(json.provider?.aws[0]).toEqual(
      expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["123456789012"] }),
    );
    expect(json.provider?.google[0]).toEqual(
      expect.objectContaining({ project: "blueprint-test-01", region: "europe-west1" }),
    );
    expect(json.provider?.cloudflare[0]).toEqual({});
    const providerText = JSON.stringify(json.provider);
    expect(providerText).not.toMatch(/secret|password|token|access_key|credentials/i);
  });

  it("pins the provider versions of the prebuilt bindings", () => {
    const { json } = synthEnvironment(environmentConfig());
    expect(json.terraform.required_providers).toEqual({
      aws: { source: "aws", version: "6.25.0" },
      azurerm: { source: "azurerm", version: "4.55.0" },
      cloudflare: { source: "cloudflare/cloudflare", version: "5.14.0" },
      google: { source: "google", version: "6.50.0" },
      random: { source: "hashicorp/random", version: "3.7.2" },
    });
  });

  it("sets the azurerm subscription and Entra ID storage access, and registers no resource provider", () => {
    const { json } = synthEnvironment(environmentConfig());
    expect(json.provider?.azurerm[0]).toEqual({
      features: [{}],
      subscription_id: "00000000-0000-0000-0000-00000000000a",
      storage_use_azuread: true,
      // Bootstrap registers them (AZURE_RESOURCE_PROVIDERS); group-scoped CI identities cannot.
      resource_provider_registrations: "none",
    });
    expect(json.provider?.azurerm[0]).not.toHaveProperty("resource_providers_to_register");
  });

  it("applies standard tags through AWS default_tags and GCP default_labels", () => {
    const { json } = synthEnvironment(environmentConfig());
    expect(json.provider?.aws[0].default_tags).toEqual([
      {
        tags: {
          environment: "test",
          ...COMPANY.tags,
          service: COMPANY.service,
          "managed-by": "cdktf",
          repository: `${COMPANY.gitlab.host}/${COMPANY.gitlab.projectPath}`,
        },
      },
    ]);
    const labels = json.provider?.google[0].default_labels as Record<string, string>;
    // The same keys as every other cloud's tags (cdktf would snake-case managed-by in a provider block).
    expect(Object.keys(labels).sort()).toEqual(
      [...Object.keys(COMPANY.tags), "environment", "managed-by", "repository", "service"].sort(),
    );
    expect(labels.environment).toBe("test");
    // GCP's rewrite of the repository tag (dots to `_`, slashes to `-`; tested in tags.test.ts).
    expect(labels.repository).toBe(gcpLabels(standardTags("test", COMPANY)).repository);
    for (const value of Object.values(labels)) expect(value).toMatch(/^[a-z0-9_-]{0,63}$/);
  });

  describe("state backend", () => {
    /** An AWS-only environment with `backend`: the block is the stack's own, whatever the clouds (a third of the synth). */
    const withBackend = (backend: Record<string, unknown>) =>
      environmentConfig({
        clouds: ["aws"],
        azure: undefined,
        gcp: undefined,
        weights: { "aws.function": 100 },
        backend,
      });

    it("local: a repo-relative path, never this machine's absolute path", () => {
      const { json, synthesized } = synthEnvironment(environmentConfig({ backend: { type: "local" } }));
      expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.test.tfstate" } });
      expect(synthesized).not.toContain(process.cwd());
    });

    it("http: GitLab-managed state at the company project's address; username and token stay in TF_HTTP_*", () => {
      const { json, synthesized } = synthEnvironment(environmentConfig({ backend: { type: "http" } }));
      expect(json.terraform.backend).toEqual({ http: gitlabHttpBackend("test") });
      expect(synthesized).not.toMatch(/"(username|password)"/);
    });

    it("s3: encrypted, with S3-native locking unless a DynamoDB table is named", () => {
      const s3 = { type: "s3", bucket: "acme-state", key: "blueprint/test.tfstate", region: "eu-west-1" };
      expect(synthEnvironment(withBackend(s3)).json.terraform.backend).toEqual({
        s3: {
          bucket: "acme-state",
          key: "blueprint/test.tfstate",
          region: "eu-west-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
      const withTable = synthEnvironment(withBackend({ ...s3, dynamodbTable: "locks" }));
      expect(withTable.json.terraform.backend?.s3).toEqual(expect.objectContaining({ dynamodb_table: "locks" }));
      expect(withTable.json.terraform.backend?.s3).not.toHaveProperty("use_lockfile");
    });

    it("azurerm and gcs are selectable", () => {
      const azurerm = {
        type: "azurerm",
        resourceGroupName: "tfstate",
        storageAccountName: "acmetfstate",
        containerName: "state",
        key: "test.tfstate",
      };
      expect(synthEnvironment(withBackend(azurerm)).json.terraform.backend).toEqual({
        azurerm: {
          resource_group_name: "tfstate",
          storage_account_name: "acmetfstate",
          container_name: "state",
          key: "test.tfstate",
          use_azuread_auth: true,
        },
      });
      const gcs = { type: "gcs", bucket: "acme-state", prefix: "blueprint/test" };
      expect(synthEnvironment(withBackend(gcs)).json.terraform.backend).toEqual({
        gcs: { bucket: "acme-state", prefix: "blueprint/test" },
      });
    });
  });

  it("builds the service spec from the environment; a release deploys its own image by digest", () => {
    const config = environmentConfig();
    expect(synthEnvironment(config).stack.spec).toEqual(
      expect.objectContaining({ environment: "test", memoryMb: 512, maxInstances: 4, image: config.containerImage }),
    );
    const digest = `sha256:${"e".repeat(64)}`;
    // Constructed, then synthesized once below.
    const stack = new EnvironmentStack(testApp(), { config, release: { id: "c0ffee", digest } });
    expect(stack.spec.image).toBe(`${config.company.service}@${digest}`);
    // Each cloud pulls that digest from its own registry.
    expect(Object.keys(stack.images).sort()).toEqual([...config.clouds].sort());
    for (const image of Object.values(stack.images)) expect(image).toMatch(new RegExp(`^[a-z0-9.-]+/.+@${digest}$`));
    // The registries are bootstrap's: the stack creates none, and a state from before forgets them, never destroys.
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: Record<string, Record<string, unknown>>;
      removed?: { from: string; lifecycle: { destroy: boolean } }[];
    };
    const registryTypes = ["aws_ecr_repository", "aws_ecr_lifecycle_policy", "azurerm_container_registry"];
    for (const type of [...registryTypes, "google_artifact_registry_repository"])
      expect(json.resource[type]).toBeUndefined();
    const removed = json.removed ?? [];
    expect(removed.map((block) => block.from.split(".")[0]).sort()).toEqual(
      [...registryTypes, "google_artifact_registry_repository"].sort(),
    );
    for (const block of removed) expect(block.lifecycle).toEqual({ destroy: false });
    // The very addresses the stacks had (as recorded before the move), so an existing state forgets them.
    expect(removed.map((block) => block.from)).toEqual(
      expect.arrayContaining([
        "aws_ecr_repository.aws-container_registry_repository_BCBAA94B",
        "aws_ecr_lifecycle_policy.aws-container_registry_lifecycle_31201075",
        "azurerm_container_registry.azure-container_registry_2786B2D7",
        "google_artifact_registry_repository.gcp-container_registry_repository_520D17C1",
      ]),
    );
  });
});
