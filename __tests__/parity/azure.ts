/**
 * Azure parity: where each ServiceSpec field lands in the Function App
 * (azurerm_function_app_flex_consumption) and the Container App
 * (azurerm_container_app), read back from the synthesized JSON.
 *
 * Platform steps, documented in lib/azure/sizing.ts: Flex instance memory is
 * 512/2048/4096 MB and Container Apps memory comes in 0.5 GiB steps, log
 * retention is at least 30 days; a spec value between steps lands on the next
 * step up, and this module reports the value that landed.
 */

import { AZURE_KEY_VAULT_ENV } from "../../app/constants";
import { memoryToMb, timeoutSeconds } from "../../lib/azure/sizing";
import { HTTP_ALWAYS_READY_GROUP, WORKLOAD_ENV } from "../../lib/azure/workload";
import { parseImage } from "../../lib/image";
import { ORIGIN_SECRET, type ServiceSpec } from "../../lib/service";
import { only, type TerraformJson } from "../helpers/terraform";
import type { CloudParity, Landed, LandedVariable, TargetLanding } from "./types";

type Json = Record<string, unknown>;

const functionApp = (json: TerraformJson) => only(json, "azurerm_function_app_flex_consumption");
const containerApp = (json: TerraformJson) => only(json, "azurerm_container_app");
const appSettings = (json: TerraformJson) => (functionApp(json).app_settings ?? {}) as Record<string, string>;
const template = (json: TerraformJson) => containerApp(json).template as Json;
const container = (json: TerraformJson) => (template(json).container as Json[])[0];
const containerEnv = (json: TerraformJson) =>
  (container(json).env ?? []) as { name: string; value?: string; secret_name?: string }[];
const envValue = (json: TerraformJson, name: string) => containerEnv(json).find((e) => e.name === name)?.value;
const tags = (resource: Json) => (resource.tags ?? {}) as Record<string, string>;
const workspaceRetention = (json: TerraformJson) => only(json, "azurerm_log_analytics_workspace").retention_in_days;

const value = (v: unknown): Landed => ({ value: v });
const both = (fn: Landed, ct: Landed): TargetLanding => ({ function: fn, container: ct });

/** The function reads each secret from Key Vault itself: secret NAME arrives as `NAME_KEYVAULT_URI`. */
const secretOf = (setting: string): string | undefined =>
  setting.endsWith(AZURE_KEY_VAULT_ENV.uriSuffix) ? setting.slice(0, -AZURE_KEY_VAULT_ENV.uriSuffix.length) : undefined;

export const parity: CloudParity = {
  cloud: "azure",
  region: (config) => config.azure?.location,
  variables: (json) => ({
    function: Object.fromEntries(
      Object.entries(appSettings(json)).map(([name, v]): [string, LandedVariable] => {
        const secret = secretOf(name);
        return secret === undefined ? [name, { value: v }] : [secret, { secretReference: v }];
      }),
    ),
    container: Object.fromEntries(
      containerEnv(json).map((e): [string, LandedVariable] => [
        e.name,
        e.secret_name !== undefined ? { secretReference: e.secret_name } : { value: String(e.value) },
      ]),
    ),
  }),
  fields: {
    name: (json) =>
      both(value(appSettings(json)[WORKLOAD_ENV.serviceName]), value(envValue(json, WORKLOAD_ENV.serviceName))),
    version: (json) =>
      both(value(appSettings(json)[WORKLOAD_ENV.serviceVersion]), value(envValue(json, WORKLOAD_ENV.serviceVersion))),
    environment: (json) =>
      both(value(tags(functionApp(json)).environment), value(tags(containerApp(json)).environment)),
    memoryMb: (json) =>
      both(value(functionApp(json).instance_memory_in_mb), value(memoryToMb(String(container(json).memory)))),
    timeoutSeconds: (json) =>
      both(value(timeoutSeconds(appSettings(json).AzureFunctionsJobHost__functionTimeout)), {
        notApplicable: "Container Apps ingress has a fixed 240 s request timeout with no setting",
      }),
    minInstances: (json) => {
      const ready = (functionApp(json).always_ready ?? []) as { name: string; instance_count?: number }[];
      const http = ready.find((r) => r.name === HTTP_ALWAYS_READY_GROUP);
      return both(value(http?.instance_count ?? 0), value(template(json).min_replicas ?? 0));
    },
    maxInstances: (json) => both(value(functionApp(json).maximum_instance_count), value(template(json).max_replicas)),
    environmentVariables: (json) =>
      both(
        value(appSettings(json)),
        value(
          Object.fromEntries(
            containerEnv(json)
              .filter((e) => e.value !== undefined)
              .map((e) => [e.name, e.value]),
          ),
        ),
      ),
    secretNames: (json) =>
      both(
        value(
          Object.keys(appSettings(json))
            .map(secretOf)
            .filter((name) => name !== undefined && name !== ORIGIN_SECRET.envVar),
        ),
        value(
          containerEnv(json)
            .filter((e) => e.secret_name !== undefined && e.name !== ORIGIN_SECRET.envVar)
            .map((e) => e.name),
        ),
      ),
    healthPath: (json) => {
      const probes = ["startup_probe", "readiness_probe", "liveness_probe"].map(
        (kind) => ((container(json)[kind] ?? []) as { path?: string }[])[0]?.path,
      );
      // Every probe must use the path; report it only when they agree.
      return both(
        { notApplicable: "Flex Consumption has no health check: it ignores health_check_path" },
        value(new Set(probes).size === 1 ? probes[0] : probes),
      );
    },
    containerPort: (json) =>
      both(
        { notApplicable: "the Functions host owns the port; the workload is an HTTP-triggered function" },
        value((containerApp(json).ingress as Json).target_port),
      ),
    image: (json, spec: ServiceSpec) => {
      // The container pulls the spec's repository and tag from the environment's own registry; compare those.
      const landed = parseImage(String(container(json).image));
      const host = parseImage(spec.image).host;
      return both(
        { notApplicable: "the function runs the zip bundle, not an image" },
        value(`${host === undefined ? "" : `${host}/`}${landed.repository}${landed.version}`),
      );
    },
    logRetentionDays: (json) => both(value(workspaceRetention(json)), value(workspaceRetention(json))),
    canaryPercent: (json) => {
      const ingress = containerApp(json).ingress as Json;
      const weights = ingress.traffic_weight as { latest_revision?: boolean; percentage: number }[];
      const latest = weights.find((w) => w.latest_revision === true);
      const canary = weights.length > 1 ? (latest?.percentage ?? 0) : 0;
      return both(
        {
          notApplicable: "Flex Consumption has no slots or revisions to split; the edge weights shift function traffic",
        },
        value(canary),
      );
    },
  },
};
