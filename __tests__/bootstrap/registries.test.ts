/**
 * The container registries are bootstrap's (lib/bootstrap/registries/): one
 * per environment and cloud, with the settings the container targets gave
 * them, where the publish identity may push and the deploy identity may not
 * administer. The environment stacks pull from exactly these (by name).
 */
import { AWS_REGISTRY_ADMIN_ACTIONS, awsDeployIamPolicy, awsPublishPolicy } from "../../lib/bootstrap/aws";
import { AZURE_DEPLOY_ACTIONS } from "../../lib/bootstrap/azure";
import { GCP_ROLES, GCP_SCOPED_ROLES, gcpRepositoryCondition } from "../../lib/bootstrap/gcp";
import { BOOTSTRAP_PERMISSIONS, ENVIRONMENT_PERMISSIONS } from "../../lib/bootstrap/permissions";
import { awsRegistryKeyAlias } from "../../lib/bootstrap/registries/aws";
import { coverageGaps } from "../../lib/permissions/coverage";
import { synthEnvironment } from "../helpers/environments";
import { all, only, referenced } from "../helpers/terraform";
import { bootstrapConfig, SERVICE, synthBootstrap } from "./helpers";

const config = bootstrapConfig();
const json = synthBootstrap(config);
const envs = config.environments.map((env) => env.config);
const dev = envs.find((env) => env.name === "dev");
const prod = envs.find((env) => env.name === "prod");
if (dev === undefined || prod === undefined || !prod.protect || dev.protect)
  throw new Error("needs dev and a protected prod");

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
};

describe("bootstrap's container registries", () => {
  describe("AWS: one ECR repository per environment, in its account and region", () => {
    const repositories = all(json, "aws_ecr_repository");

    it("has immutable tags, scan on push and a key of its own with rotation", () => {
      expect(repositories.map((r) => r.name).sort()).toEqual([`${SERVICE}-dev`, `${SERVICE}-prod`]);
      for (const env of [dev, prod]) {
        const repository = only(json, "aws_ecr_repository", (r) => r.name === `${SERVICE}-${env.name}`);
        expect(repository).toMatchObject({
          image_tag_mutability: "IMMUTABLE",
          image_scanning_configuration: { scan_on_push: true },
          provider: `aws.account-${env.aws?.accountId}`,
        });
        const [encryption] = repository.encryption_configuration as { encryption_type: string; kms_key: string }[];
        expect(encryption.encryption_type).toBe("KMS");
        const key = referenced(json, encryption.kms_key).resource;
        expect(key.enable_key_rotation).toBe(true);
        // The alias the deploy role's deny names, on that very key.
        const alias = only(json, "aws_kms_alias", (a) => a.name === `alias/${awsRegistryKeyAlias(SERVICE, env.name)}`);
        expect(referenced(json, alias.target_key_id).resource).toBe(key);
        // No log service in the policy of a key that only encrypts images.
        expect(key.policy as string).not.toContain("logs.");
      }
    });

    it("keeps the newest 20 images and drops untagged ones", () => {
      for (const policy of all(json, "aws_ecr_lifecycle_policy")) {
        expect(JSON.parse(policy.policy as string).rules).toEqual([
          expect.objectContaining({ selection: expect.objectContaining({ tagStatus: "untagged", countNumber: 1 }) }),
          expect.objectContaining({
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 20 },
            action: { type: "expire" },
          }),
        ]);
      }
    });

    it("keeps a protected environment's repository and key on destroy; empties the others'", () => {
      const repository = (env: string) => only(json, "aws_ecr_repository", (r) => r.name === `${SERVICE}-${env}`);
      expect(repository("prod")).toMatchObject({ force_delete: false, lifecycle: { prevent_destroy: true } });
      expect(repository("dev").force_delete).toBe(true);
      const keyOf = (env: string) =>
        referenced(json, (repository(env).encryption_configuration as { kms_key: string }[])[0].kms_key).resource;
      expect(keyOf("prod")).toMatchObject({ deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    });

    it("is the repository the publish role pushes to, and the deploy role may not administer it or its key", () => {
      for (const env of [dev, prod]) {
        const { accountId, region } = env.aws as { accountId: string; region: string };
        const name = `${SERVICE}-${env.name}`;
        const push = (awsPublishPolicy(accountId, SERVICE, env.name, region).Statement as Statement[]).find(
          (s) => s.Sid === "PushOwnRepository",
        );
        expect(push?.Resource).toBe(`arn:aws:ecr:${region}:${accountId}:repository/${name}`);
        const deny = (awsDeployIamPolicy(accountId, SERVICE, env.name, region).Statement as Statement[]).filter(
          (s) => s.Effect === "Deny",
        );
        const registry = deny.find((s) => s.Sid === "NoRegistryAdministration");
        expect(registry?.Action).toEqual(expect.arrayContaining(["ecr:CreateRepository", "ecr:DeleteRepository"]));
        expect(registry?.Action).toEqual([...AWS_REGISTRY_ADMIN_ACTIONS]);
        expect(registry?.Resource).toBe("*");
        const key = deny.find((s) => s.Sid === "KeepTheRegistryKey");
        expect(key?.Action).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:DisableKey"]));
        expect(JSON.stringify(key?.Condition)).toContain(`alias/${awsRegistryKeyAlias(SERVICE, env.name)}`);
        // The inline policy bootstrap attaches is this one.
        const attached = only(
          json,
          "aws_iam_role_policy",
          (p) => p.name === "workload-roles" && String(p.role).includes(`${env.name}-deploy`),
        );
        expect(JSON.parse(attached.policy as string)).toEqual(awsDeployIamPolicy(accountId, SERVICE, env.name, region));
      }
    });
  });

  describe("Azure: one Container Registry per environment, in its resource group", () => {
    it("has no admin user and no anonymous pull, and a protected environment's is kept on destroy", () => {
      const registries = all(json, "azurerm_container_registry");
      expect(registries).toHaveLength(2);
      for (const registry of registries) {
        expect(registry).toMatchObject({ admin_enabled: false, anonymous_pull_enabled: false, sku: "Basic" });
        const group = referenced(json, registry.resource_group_name).resource;
        expect(group.name).toMatch(new RegExp(`^rg-${SERVICE}-(dev|prod)`));
      }
      const prodRegistry = registries.find((r) =>
        /prod/.test(String(referenced(json, r.resource_group_name).resource.name)),
      );
      expect(prodRegistry?.lifecycle).toEqual({ prevent_destroy: true });
    });

    it("leaves the deploy role no registry action", () => {
      expect(AZURE_DEPLOY_ACTIONS.filter((action) => action.startsWith("Microsoft.ContainerRegistry"))).toEqual([]);
      for (const role of all(json, "azurerm_role_definition").filter((r) => String(r.name).startsWith("CI deploy"))) {
        expect(JSON.stringify(role.permissions)).not.toContain("Microsoft.ContainerRegistry");
      }
    });
  });

  describe("GCP: one Artifact Registry repository per environment, in its project and region", () => {
    it("has immutable Docker tags, and its project's API on first", () => {
      for (const env of [dev, prod]) {
        const { project, region } = env.gcp as { project: string; region: string };
        const repository = only(
          json,
          "google_artifact_registry_repository",
          (r) => r.project === project && r.repository_id === `${SERVICE}-${env.name}`,
        );
        expect(repository).toMatchObject({
          location: region,
          format: "DOCKER",
          docker_config: { immutable_tags: true },
        });
        const api = only(
          json,
          "google_project_service",
          (s) => s.project === project && s.service === "artifactregistry.googleapis.com",
        );
        expect(api.disable_on_destroy).toBe(false);
        expect((repository.depends_on as string[]).some((d) => d.startsWith("google_project_service."))).toBe(true);
        // The publish account's condition names exactly this repository.
        const writer = only(
          json,
          "google_project_iam_member",
          (m) => m.role === "roles/artifactregistry.writer" && m.project === project,
        );
        expect((writer.condition as { expression: string }).expression).toBe(
          gcpRepositoryCondition(`${SERVICE}-${env.name}`),
        );
      }
    });

    it("leaves the deploy account no Artifact Registry role", () => {
      const deployRoles = [...GCP_ROLES.deploy, ...Object.keys(GCP_SCOPED_ROLES.deploy)];
      expect(deployRoles.filter((role) => role.startsWith("roles/artifactregistry."))).toEqual([]);
    });
  });

  it("could not be made by a deploy identity by its grants; the administrator's roles make them", () => {
    const registryTypes = {
      google: ["google_artifact_registry_repository"],
      azurerm: ["azurerm_container_registry"],
      aws: ["aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_kms_key", "aws_kms_alias"],
    };
    for (const [provider, types] of Object.entries(registryTypes)) {
      const admin = BOOTSTRAP_PERMISSIONS[provider];
      expect([provider, coverageGaps(types, admin.map, admin.grants("deploy"), "deploy")]).toEqual([provider, []]);
      if (provider === "aws") continue; // PowerUserAccess holds ecr:*: the deny statements above take it away.
      const deploy = ENVIRONMENT_PERMISSIONS[provider];
      const gaps = coverageGaps(types, deploy.map, deploy.grants("deploy"), "deploy");
      expect([provider, gaps.length > 0]).toEqual([provider, true]);
    }
  });

  it("are the registries the environment stack pulls from and publish copies to", () => {
    const { stack, json: envJson } = synthEnvironment(prod);
    const { accountId, region } = prod.aws as { accountId: string; region: string };
    const azure = only(json, "azurerm_container_registry", (r) =>
      /prod/.test(String(referenced(json, r.resource_group_name).resource.name)),
    );
    const gcp = prod.gcp as { project: string; region: string };
    expect(stack.images.aws).toMatch(
      new RegExp(`^${accountId}\\.dkr\\.ecr\\.${region}\\.amazonaws\\.com/${SERVICE}-prod[:@]`),
    );
    expect(stack.images.azure?.startsWith(`${azure.name}.azurecr.io/`)).toBe(true);
    expect(stack.images.gcp?.startsWith(`${gcp.region}-docker.pkg.dev/${gcp.project}/${SERVICE}-prod/`)).toBe(true);
    // The stack creates none of them.
    for (const type of ["aws_ecr_repository", "azurerm_container_registry", "google_artifact_registry_repository"]) {
      expect(envJson.resource?.[type]).toBeUndefined();
    }
  });
});
