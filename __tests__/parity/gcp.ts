/**
 * Where each ServiceSpec field lands in the GCP targets: the Cloud Function
 * (2nd gen) `google_cloudfunctions2_function` and the Cloud Run
 * `google_cloud_run_v2_service`, read back in the spec's units.
 */
import { deployedImage } from "../../lib/gcp/registry";
import { ORIGIN_SECRET } from "../../lib/service";
import { only, type TerraformJson } from "../helpers/terraform";
import type { CloudParity, Landed, LandedVariable, TargetLanding } from "./types";

type Env = { name: string; value?: string; value_source?: { secret_key_ref: { secret: string } } };
interface Fn {
  labels: Record<string, string>;
  service_config: {
    available_memory: string;
    timeout_seconds: number;
    min_instance_count: number;
    max_instance_count: number;
    environment_variables?: Record<string, string>;
    secret_environment_variables?: { key: string; secret: string }[];
  };
}
interface Probe {
  http_get: { path: string; port: number };
}
interface Run {
  labels: Record<string, string>;
  template: {
    revision: string;
    timeout: string;
    scaling: { min_instance_count: number; max_instance_count: number };
    containers: {
      image: string;
      env?: Env[];
      ports: { container_port: number };
      resources: { limits: { memory: string } };
      startup_probe: Probe;
      liveness_probe: Probe;
    }[];
  };
  traffic: { revision: string; percent: number }[];
}

const one = <T>(json: TerraformJson, type: string): T => only(json, type) as T;
const fn = (json: TerraformJson) => one<Fn>(json, "google_cloudfunctions2_function");
const run = (json: TerraformJson) => one<Run>(json, "google_cloud_run_v2_service");
const container = (json: TerraformJson) => run(json).template.containers[0];

/** "768Mi" -> 768 */
const mebibytes = (quantity: string): number => {
  const match = /^(\d+)Mi$/.exec(quantity);
  return match ? Number(match[1]) : Number.NaN;
};
/** "30s" -> 30 */
const seconds = (duration: string): number => {
  const match = /^(\d+)s$/.exec(duration);
  return match ? Number(match[1]) : Number.NaN;
};
const value = (v: unknown): Landed => ({ value: v });
const both = (f: (json: TerraformJson) => unknown, r: (json: TerraformJson) => unknown) => (json: TerraformJson) =>
  ({ function: value(f(json)), container: value(r(json)) }) satisfies TargetLanding;

const plainEnv = (json: TerraformJson): Record<string, string> =>
  Object.fromEntries(
    (container(json).env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]),
  );
const notOrigin = (name: string) => name !== ORIGIN_SECRET.envVar;

const plainVariables = (env: Record<string, string>): Record<string, LandedVariable> =>
  Object.fromEntries(Object.entries(env).map(([name, v]) => [name, { value: v }]));

export const parity: CloudParity = {
  cloud: "gcp",
  region: (config) => config.gcp?.region,
  variables: (json) => ({
    function: {
      ...plainVariables(fn(json).service_config.environment_variables ?? {}),
      ...Object.fromEntries(
        (fn(json).service_config.secret_environment_variables ?? []).map((s) => [s.key, { secretReference: s.secret }]),
      ),
    },
    container: {
      // Cloud Run sets PORT itself, from the container port (and refuses it as a variable).
      PORT: { value: String(container(json).ports.container_port) },
      ...plainVariables(plainEnv(json)),
      ...Object.fromEntries(
        (container(json).env ?? [])
          .filter((e) => e.value_source !== undefined)
          .map((e) => [e.name, { secretReference: String(e.value_source?.secret_key_ref.secret) }]),
      ),
    },
  }),
  fields: {
    name: both(
      (json) => fn(json).labels.service,
      (json) => run(json).labels.service,
    ),
    // SERVICE_VERSION: the workload's version, visible to it and in each revision.
    version: both(
      (json) => fn(json).service_config.environment_variables?.SERVICE_VERSION,
      (json) => plainEnv(json).SERVICE_VERSION,
    ),
    environment: both(
      (json) => fn(json).labels.environment,
      (json) => run(json).labels.environment,
    ),
    memoryMb: both(
      (json) => mebibytes(fn(json).service_config.available_memory),
      (json) => mebibytes(container(json).resources.limits.memory),
    ),
    timeoutSeconds: both(
      (json) => fn(json).service_config.timeout_seconds,
      (json) => seconds(run(json).template.timeout),
    ),
    minInstances: both(
      (json) => fn(json).service_config.min_instance_count,
      (json) => run(json).template.scaling.min_instance_count,
    ),
    maxInstances: both(
      (json) => fn(json).service_config.max_instance_count,
      (json) => run(json).template.scaling.max_instance_count,
    ),
    environmentVariables: both((json) => fn(json).service_config.environment_variables ?? {}, plainEnv),
    // Secret Manager references; ORIGIN_SECRET is the edge's, not the spec's.
    secretNames: both(
      (json) => (fn(json).service_config.secret_environment_variables ?? []).map((s) => s.key).filter(notOrigin),
      (json) =>
        (container(json).env ?? [])
          .filter((e) => e.value_source !== undefined)
          .map((e) => e.name)
          .filter(notOrigin),
    ),
    healthPath: (json) => {
      const { startup_probe, liveness_probe } = container(json);
      const paths = [...new Set([startup_probe.http_get.path, liveness_probe.http_get.path])];
      return {
        function: { notApplicable: "Cloud Functions has no configurable health probe; the platform checks the port" },
        container: value(paths.length === 1 ? paths[0] : paths),
      };
    },
    containerPort: (json) => ({
      function: { notApplicable: "the Functions Framework listens on the PORT Cloud Functions sets" },
      container: value(container(json).ports.container_port),
    }),
    // The spec's image is deployed as the same name:tag in the environment's registry (lib/gcp/registry.ts).
    image: (json, spec) => {
      // The repository is bootstrap's: the stack names it in its output.
      const url = String((json.output as Record<string, { value: unknown }>).gcp_registry_url.value);
      const deployed = container(json).image;
      const expected = deployedImage(spec.image, url);
      return {
        function: { notApplicable: "the function is built from the source zip, not from an image" },
        container: value(deployed === expected ? spec.image : deployed),
      };
    },
    logRetentionDays: (json) => {
      const days = one<{ retention_days: number }>(json, "google_logging_project_bucket_config").retention_days;
      return { function: value(days), container: value(days) };
    },
    canaryPercent: (json, spec) => {
      const { traffic, template } = run(json);
      const canary = traffic.length === 1 ? 0 : (traffic.find((t) => t.revision === template.revision)?.percent ?? 0);
      return {
        function: {
          notApplicable: "Cloud Functions routes all traffic to its latest revision; the canary is on Cloud Run",
        },
        container:
          canary === 0 && spec.canaryPercent > 0
            ? { notApplicable: "a canary needs a stable revision to split against (none before the first apply)" }
            : value(canary),
      };
    },
  },
};
