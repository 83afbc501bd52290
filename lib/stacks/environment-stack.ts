/**
 * EnvironmentStack: everything one environment deploys. The only module that
 * knows every cloud; each cloud folder stays independent of the others.
 */
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { functionBundles } from "../../app/build/bundles";
import { ContainerTarget as AwsContainerTarget, FunctionTarget as AwsFunctionTarget } from "../aws";
import { ContainerTarget as AzureContainerTarget, FunctionTarget as AzureFunctionTarget } from "../azure";
import type { Cloud, EnvironmentConfig } from "../config/schema";
import { Edge } from "../edge/edge";
import { OriginSecret } from "../edge/origin-secret";
import { ContainerTarget as GcpContainerTarget, FunctionTarget as GcpFunctionTarget } from "../gcp";
import { applyPolicy } from "../policy";
import { StandardTagsAspect, standardTags } from "../policy/tags";
import {
  edgeWeights,
  LOCAL_RELEASE,
  newReleasePercent,
  type Release,
  type ReleaseId,
  type Rollout,
  releaseProblems,
  rolloutFor,
  type StableRelease,
} from "../release";
import { type FunctionBundle, type Origin, type ServiceSpec, serviceSpecFor } from "../service";
import { addBackend } from "./backend";
import { addProviders, type Providers } from "./providers";

export interface EnvironmentStackProps {
  /** The validated environment (see `loadEnvironments`). */
  readonly config: EnvironmentConfig;
  /**
   * The release to deploy and its rollout step, from the pipeline (lib/release.ts).
   * @default LOCAL_RELEASE - a fresh clone: the environment's `containerImage`, no stable release
   */
  readonly release?: Release;
  /**
   * The workload's function zip per cloud.
   * @default - built from app/ by `functionBundles()` (once per process)
   */
  readonly bundles?: Readonly<Record<Cloud, FunctionBundle>>;
}

export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly spec: ServiceSpec;
  /** The release this stack deploys and its rollout step. */
  readonly release: Release;
  readonly providers: Providers;
  readonly bundles: Readonly<Record<Cloud, FunctionBundle>>;
  /** Every target's public endpoint, in `ORIGINS` order; the edge routes between them. */
  readonly origins: Origin[] = [];
  /** The image each cloud's container target pulls from its own registry (where `publish:<env>` copies it). */
  readonly images: Partial<Record<Cloud, string>> = {};
  /** Secret the edge sends to every origin: targets set `originSecret.value` as the workload's ORIGIN_SECRET. */
  readonly originSecret: OriginSecret;
  /** The Cloudflare edge routing to `origins`; created last, so every target has added its origin. */
  readonly edge: Edge;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    // Stack id = environment name, so `cdktf deploy <name>` works.
    super(scope, props.config.name);
    this.config = props.config;
    this.release = props.release ?? LOCAL_RELEASE;
    const problems = releaseProblems(this.release);
    if (problems.length > 0) throw new Error(`environment ${props.config.name}: ${problems.join("; ")}`);
    this.spec = serviceSpecFor(props.config, this.release);
    const { stable } = this.release;
    const rollout = (stableId: string | undefined) => rolloutFor(this.release, this.config.canaryPercent, stableId);
    // What each target leaves at 100% after this apply: the `release` output the next pipeline reads.
    const after: Record<string, string> = {};
    const settle = (key: keyof StableRelease, target: Rollout, newId: string) => {
      const id = target.newPercent === 100 ? newId : target.stable;
      if (id !== undefined) after[key] = id;
    };
    this.bundles = props.bundles ?? functionBundles();
    const tags = standardTags(this.config.name, this.config.company);

    addBackend(this, this.config);
    this.providers = addProviders(this, this.config, tags);
    Aspects.of(this).add(new StandardTagsAspect(tags));
    applyPolicy(this, { protect: this.config.protect }); // after the tags aspect: rules check the tagged result
    // Created before the targets: each sets its value as the workload's ORIGIN_SECRET.
    this.originSecret = new OriginSecret(this, "origin-secret");

    // --- AWS: Lambda behind an HTTP API, ECS Fargate behind an ALB ---
    if (this.providers.aws && this.config.aws) {
      const aws = {
        spec: this.spec,
        settings: this.config.aws,
        protect: this.config.protect,
        originSecret: this.originSecret.value,
      };
      const fnRollout = rollout(stable?.awsFunctionVersion);
      const fn = new AwsFunctionTarget(this, "aws-function", { ...aws, bundle: this.bundles.aws, rollout: fnRollout });
      settle("awsFunctionVersion", fnRollout, fn.function.version);
      // The ALB's certificate is validated, and its hostname published, in the environment's Cloudflare zone.
      const zone = { zoneId: this.config.cloudflare.zoneId, domain: this.config.cloudflare.domain };
      // ECS shifts a canary to 100% itself (its CANARY strategy); a rollback deploys the stable image again.
      const ecsSpec =
        this.release.step === "rollback" && stable !== undefined ? serviceSpecFor(this.config, stable) : this.spec;
      const ct = new AwsContainerTarget(this, "aws-container", { ...aws, spec: ecsSpec, zone });
      this.origins.push(fn.origin, ct.origin);
      this.images.aws = ct.image;
    }

    // --- Azure: Flex Consumption function + Container App (lib/azure) ---
    if (this.providers.azure && this.config.azure) {
      const azure = {
        spec: this.spec,
        settings: this.config.azure,
        protect: this.config.protect,
        originSecret: this.originSecret.value,
      };
      const fn = new AzureFunctionTarget(this, "azure-function", { ...azure, bundle: this.bundles.azure });
      const ctRollout = rollout(stable?.azureContainerRevision);
      const ct = new AzureContainerTarget(this, "azure-container", { ...azure, rollout: ctRollout });
      settle("azureContainerRevision", ctRollout, ct.latestRevisionSuffix);
      this.origins.push(fn.origin, ct.origin);
      this.images.azure = ct.image;
    }

    // --- GCP: Cloud Functions (2nd gen) + Cloud Run (lib/gcp) ---
    if (this.providers.gcp && this.config.gcp) {
      const gcp = {
        spec: this.spec,
        settings: this.config.gcp,
        protect: this.config.protect,
        originSecret: this.originSecret.value,
      };
      const fn = new GcpFunctionTarget(this, "gcp-function", { ...gcp, bundle: this.bundles.gcp });
      const ctRollout = rollout(stable?.gcpContainerRevision);
      const ct = new GcpContainerTarget(this, "gcp-container", { ...gcp, rollout: ctRollout });
      settle("gcpContainerRevision", ctRollout, ct.revision);
      this.origins.push(fn.origin, ct.origin);
      this.images.gcp = ct.image;
    }

    // Last: the edge reads `origins` once, so every target must have added its origin by now.
    this.edge = new Edge(this, "edge", {
      config: this.config,
      origins: this.origins,
      originSecret: this.originSecret.value,
      serviceName: this.spec.name,
      weights: edgeWeights(this.config, this.release),
    });
    this.addReleaseOutputs(after);
  }

  /**
   * What the pipeline reads back from state: `release` (what serves 100%
   * after this apply: the next pipeline's stable release), `release_deployed`
   * (what this apply deployed, which verify expects), every origin's endpoint
   * and the origin secret verify sends to reach one origin directly.
   */
  private addReleaseOutputs(after: Readonly<Record<string, string>>): void {
    const { stable } = this.release;
    const percent = newReleasePercent(this.release.step ?? "canary", this.config.canaryPercent, stable !== undefined);
    const settled: ReleaseId = percent === 100 || stable === undefined ? this.release : stable;
    const id = (r: ReleaseId) => ({ id: r.id, ...(r.digest === undefined ? {} : { digest: r.digest }) });
    new TerraformOutput(this, "release", {
      value: { ...id(settled), ...after },
      description: "The release serving 100% after this apply, with its revision or version per target",
    });
    new TerraformOutput(this, "release_deployed", {
      value: { ...id(this.release), step: this.release.step ?? "canary" },
      description: "The release this apply deployed and its rollout step",
    });
    new TerraformOutput(this, "origins", {
      value: Object.fromEntries(this.origins.map((origin) => [origin.id, origin.endpoint])),
      description: "HTTPS base URL of every origin, by origin id",
    });
    new TerraformOutput(this, "origin_secret", {
      value: this.originSecret.value,
      sensitive: true,
      description: "Header value that reaches an origin directly (x-origin-secret); verify:<env> reads it from state",
    });
  }
}
