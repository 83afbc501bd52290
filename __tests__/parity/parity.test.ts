/**
 * The shared parity test: one stack with every cloud on, and every
 * ServiceSpec field checked on both targets of each cloud, through the cloud's
 * own `CloudParity` module. Sizes are ones every product can honour exactly
 * (Azure Flex rounds memory up to 512/2048/4096 MB and Log Analytics keeps at
 * least 30 days; lib/azure's own tests cover that rounding).
 */
import { WORKLOAD_ENV } from "../../app/contract";
import { CLOUDS, type EnvironmentConfig, TARGET_KINDS, type TargetKind } from "../../lib/config/schema";
import type { ServiceSpec } from "../../lib/service";
import { COMPANY, environmentConfig, environmentInput, synthEnvironment } from "../helpers/environments";
import { parity as aws } from "./aws";
import { parity as azure } from "./azure";
import { parity as gcp } from "./gcp";
import type { CloudParity, LandedVariable } from "./types";

const modules: readonly CloudParity[] = [aws, azure, gcp];

const shapes = {
  "scale to zero, no canary": environmentConfig({
    service: { memoryMb: 512, timeoutSeconds: 10, minInstances: 0, maxInstances: 3, logRetentionDays: 30 },
  }),
  "warm instances, 10% canary": environmentConfig({
    service: { memoryMb: 2048, timeoutSeconds: 45, minInstances: 2, maxInstances: 9, logRetentionDays: 90 },
    canaryPercent: 10,
    // Azure and GCP split only against a revision that exists (see their README sections).
    azure: { ...environmentInput().azure, stableRevision: "stable01" },
    gcp: { ...environmentInput().gcp, stableRevision: `${COMPANY.service}-test-run-0123456789` },
  }),
};

/**
 * What each `WORKLOAD_ENV` variable must be on one target. A new variable in
 * the contract fails to compile here until it has an expectation.
 */
function expectedVariables(
  module: CloudParity,
  config: EnvironmentConfig,
  spec: ServiceSpec,
  kind: TargetKind,
): Record<keyof typeof WORKLOAD_ENV, (landed: LandedVariable | undefined) => boolean> {
  const is = (expected: string | undefined) => (landed: LandedVariable | undefined) =>
    landed !== undefined && "value" in landed && landed.value === expected;
  return {
    serviceName: is(spec.name),
    serviceVersion: is(spec.version),
    environment: is(spec.environment),
    region: is(module.region(config)),
    cloud: is(module.cloud),
    // Containers listen on the spec's port; function runtimes own theirs, so a target must not set it.
    port: kind === "container" ? is(String(spec.containerPort)) : (landed) => landed === undefined,
    // Never a value, not even a Terraform expression: a reference to the cloud's secret store.
    originSecret: (landed) => landed !== undefined && "secretReference" in landed,
  };
}

describe("parity: every WORKLOAD_ENV variable lands on all six targets", () => {
  for (const [shape, config] of Object.entries(shapes)) {
    const { json, stack } = synthEnvironment(config);
    for (const module of modules) {
      const landed = module.variables(json);
      for (const kind of TARGET_KINDS) {
        it(`${shape}: ${module.cloud}.${kind}`, () => {
          const checks = expectedVariables(module, config, stack.spec, kind);
          const failing = (Object.keys(WORKLOAD_ENV) as (keyof typeof WORKLOAD_ENV)[])
            .filter((key) => !checks[key](landed[kind][WORKLOAD_ENV[key]]))
            .map((key) => ({ variable: WORKLOAD_ENV[key], landed: landed[kind][WORKLOAD_ENV[key]] }));
          expect(failing).toEqual([]);
        });
      }
    }
  }
});

describe("parity: every ServiceSpec field lands on every cloud", () => {
  it("has a parity module for every cloud, each covering every field", () => {
    expect(modules.map((m) => m.cloud).sort()).toEqual([...CLOUDS].sort());
    const fields = Object.keys(synthEnvironment(shapes["scale to zero, no canary"]).stack.spec).sort();
    for (const module of modules)
      expect({ cloud: module.cloud, fields: Object.keys(module.fields).sort() }).toEqual({
        cloud: module.cloud,
        fields,
      });
  });

  it("splits the canary on every cloud's container target when the environment asks for one", () => {
    const { json, stack } = synthEnvironment(shapes["warm instances, 10% canary"]);
    for (const module of modules) {
      expect({ cloud: module.cloud, landed: module.fields.canaryPercent(json, stack.spec).container }).toEqual({
        cloud: module.cloud,
        landed: { value: 10 },
      });
    }
  });

  for (const [shape, config] of Object.entries(shapes)) {
    describe(shape, () => {
      const { json, stack } = synthEnvironment(config);
      const spec = stack.spec;
      for (const module of modules) {
        for (const field of Object.keys(module.fields) as (keyof ServiceSpec)[]) {
          it(`${module.cloud}: ${field}`, () => {
            const landing = module.fields[field](json, spec);
            for (const [target, found] of Object.entries(landing)) {
              if ("notApplicable" in found) {
                // A field may not apply to one product, but never silently: the reason is stated.
                expect(found.notApplicable.length).toBeGreaterThan(10);
              } else if (field === "environmentVariables") {
                expect({ target, value: found.value }).toMatchObject({ target, value: spec[field] });
              } else {
                expect({ target, value: found.value }).toEqual({ target, value: spec[field] });
              }
            }
          });
        }
      }
    });
  }
});
