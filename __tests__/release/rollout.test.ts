/**
 * One release through its three steps on every target that splits traffic,
 * plus the edge: canary at canaryPercent, promote to 100%, rollback to the
 * stable release (including after a promote: the stable release is still
 * what the pipeline read before this release's deploy).
 */
import type { Release, ReleaseStep } from "../../lib/release";
import { EDGE_SPLIT_ORIGINS } from "../../lib/stacks/clouds";
import { environmentConfig, resourcesOf, synthEnvironment, type TerraformJson } from "../helpers/environments";

const CANARY = 10;
const config = environmentConfig({ canaryPercent: CANARY });
const NEW = { id: "new-commit", digest: `sha256:${"b".repeat(64)}` };
const STABLE = { id: "old-commit", digest: `sha256:${"a".repeat(64)}` };
/** A first deploy: no stable release yet. */
const FIRST_DEPLOY: Release = { ...NEW, step: "canary" };
const STABLE_REVISIONS = { "aws.function": "41", "azure.container": "oldrev1" };

type Json = Record<string, unknown>;
const one = (json: TerraformJson, type: string): Json => {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
};

function synthStep(step: ReleaseStep) {
  // The Cloud Run revision name is the service's: read it from a first deploy's synth, as state would hold it
  // (the one the last test reads: synthEnvironment synthesizes it once).
  const first = synthEnvironment(config, FIRST_DEPLOY).json;
  const service = String(one(first, "google_cloud_run_v2_service").name);
  const revisions = { ...STABLE_REVISIONS, "gcp.container": `${service}-0123456789` };
  const release: Release = { ...NEW, step, stable: { ...STABLE, revisions } };
  return { ...synthEnvironment(config, release), release };
}

const lambda = (json: TerraformJson) => one(json, "aws_lambda_alias");
const azureWeights = (json: TerraformJson) => (one(json, "azurerm_container_app").ingress as Json).traffic_weight;
const cloudRun = (json: TerraformJson) => one(json, "google_cloud_run_v2_service");
const ecsImage = (json: TerraformJson) =>
  (JSON.parse(String(one(json, "aws_ecs_task_definition").container_definitions)) as { image: string }[])[0].image;

describe("canary, promote, rollback on every target", () => {
  const canary = synthStep("canary");
  const promote = synthStep("promote");
  const rollback = synthStep("rollback");
  const stableGcp = canary.release.stable?.revisions?.["gcp.container"];
  const newGcp = (cloudRun(canary.json).template as Json).revision;

  it("Lambda: stable version with the new one at canary%, then the new alone, then the stable alone", () => {
    expect(lambda(canary.json).function_version).toBe("41");
    expect(String((lambda(canary.json).routing_config as Json).additional_version_weights)).toContain(
      `[${CANARY / 100}]`,
    );
    expect(lambda(promote.json).function_version).toMatch(/aws_lambda_function\..*\.version/);
    expect(lambda(promote.json)).not.toHaveProperty("routing_config");
    expect(lambda(rollback.json).function_version).toBe("41");
    expect(lambda(rollback.json)).not.toHaveProperty("routing_config");
  });

  it("Container Apps: latest revision at canary%, 100%, 0% against the stable revision", () => {
    const latest = (weights: unknown) => (weights as Json[]).find((w) => w.latest_revision === true)?.percentage;
    const stable = (weights: unknown) => (weights as Json[]).find((w) => w.revision_suffix === "oldrev1")?.percentage;
    expect([latest(azureWeights(canary.json)), stable(azureWeights(canary.json))]).toEqual([CANARY, 100 - CANARY]);
    expect([latest(azureWeights(promote.json)), stable(azureWeights(promote.json))]).toEqual([100, 0]);
    expect([latest(azureWeights(rollback.json)), stable(azureWeights(rollback.json))]).toEqual([0, 100]);
  });

  it("Cloud Run: new revision at canary%, then alone, then the stable revision alone", () => {
    const split = (json: TerraformJson) =>
      Object.fromEntries((cloudRun(json).traffic as Json[]).map((t) => [String(t.revision), t.percent]));
    expect(split(canary.json)).toEqual({ [String(stableGcp)]: 100 - CANARY, [String(newGcp)]: CANARY });
    expect(split(promote.json)).toEqual({ [String(newGcp)]: 100 });
    expect(split(rollback.json)).toEqual({ [String(stableGcp)]: 100 });
  });

  it("ECS: the new image by digest (ECS's own canary), the stable image again on rollback", () => {
    expect(ecsImage(canary.json)).toMatch(new RegExp(`\\.dkr\\.ecr\\..*@${NEW.digest}$`));
    expect(ecsImage(promote.json)).toMatch(new RegExp(`@${NEW.digest}$`));
    expect(ecsImage(rollback.json)).toMatch(new RegExp(`@${STABLE.digest}$`));
    expect(one(canary.json, "aws_ecs_service").deployment_configuration).toMatchObject({ strategy: "CANARY" });
  });

  it("edge: functions without a split get canary% of their weight, all of it, then none", () => {
    const weights = (stack: typeof canary) =>
      Object.fromEntries(stack.stack.edge.routes.origins.map((o) => [o.id, o.weight]));
    for (const id of EDGE_SPLIT_ORIGINS) {
      const configured = config.weights[id] ?? 0;
      expect([weights(canary)[id], weights(promote)[id], weights(rollback)[id]]).toEqual([
        Math.floor((configured * CANARY) / 100),
        configured,
        0,
      ]);
    }
    expect(weights(canary)["aws.container"]).toBe(config.weights["aws.container"]);
  });

  it("every target reports the release it runs; state records what serves 100% for the next pipeline", () => {
    const envOf = (json: TerraformJson) => (one(json, "aws_lambda_function").environment as Json).variables as Json;
    expect(envOf(canary.json)).toMatchObject({ RELEASE_ID: NEW.id, IMAGE_DIGEST: NEW.digest });
    const settled = (json: TerraformJson) => json.output?.release?.value as Json;
    expect(settled(canary.json)).toEqual({
      ...STABLE,
      revisions: { ...STABLE_REVISIONS, "gcp.container": stableGcp },
    });
    expect(settled(promote.json)).toMatchObject({ id: NEW.id, revisions: { "gcp.container": newGcp } });
    expect(String((settled(promote.json).revisions as Json)["aws.function"])).toMatch(
      /aws_lambda_function\..*\.version/,
    );
    expect(settled(rollback.json)).toMatchObject({ id: STABLE.id, revisions: { "gcp.container": stableGcp } });
  });

  it("a first deploy (no stable release) sends everything to the new release at every step", () => {
    const first = synthEnvironment(config, FIRST_DEPLOY).json;
    expect(lambda(first)).not.toHaveProperty("routing_config");
    expect(azureWeights(first)).toEqual([{ latest_revision: true, percentage: 100 }]);
    expect(cloudRun(first).traffic as Json[]).toHaveLength(1);
  });
});
