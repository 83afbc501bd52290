import { DEFAULT_PROBES } from "../../lib/azure/container-target";
import { AZURE_PLATFORM_LIMITS, CONTAINER_APP_PROBE_LIMITS } from "../../lib/azure/limits";
import { ConstructError } from "../../lib/contract/errors";
import { all, azureStack, one } from "./helpers";

type Json = Record<string, unknown>;
const containerOf = (app: Json) => ((app.template as Json).container as Json[])[0];

/** The ConstructError a synth of `build` throws (fails the test if it throws nothing or something else). */
function refusal(build: () => unknown): ConstructError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConstructError);
    return error as ConstructError;
  }
  throw new Error("synth accepted what the platform refuses");
}

describe("Azure limits table", () => {
  it("documents every limit with the https page that states it", () => {
    for (const [name, limit] of Object.entries({ ...AZURE_PLATFORM_LIMITS, ...CONTAINER_APP_PROBE_LIMITS })) {
      expect({ name, doc: limit.doc }).toEqual({ name, doc: expect.stringMatching(/^https:\/\/\S+$/) });
    }
  });

  it("refuses a startup probe threshold of 24 at synth, naming the field and the page (the API allows 10)", () => {
    const error = refusal(() => azureStack({ container: { probes: { startup: { failureCountThreshold: 24 } } } }));
    expect(error.constructPath).toMatch(/ct$/);
    expect(error.problems).toEqual([
      `props.probes.startup.failureCountThreshold: 24 is above the maximum of 10 on Container Apps (${CONTAINER_APP_PROBE_LIMITS.failureCountThreshold.doc})`,
    ]);
  });

  it("lists every probe field out of range at once", () => {
    const error = refusal(() =>
      azureStack({
        container: {
          probes: { liveness: { intervalSeconds: 241, timeout: 0 }, readiness: { failureCountThreshold: 11 } },
        },
      }),
    );
    expect(error.problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "props.probes.liveness.intervalSeconds",
      "props.probes.liveness.timeout",
      "props.probes.readiness.failureCountThreshold",
    ]);
  });

  it("synthesizes probes within the API's ranges, with about two minutes to start", () => {
    const container = containerOf(one(azureStack().json, "azurerm_container_app"));
    const startup = (container.startup_probe as Json[])[0];
    expect(startup).toMatchObject({
      failure_count_threshold: DEFAULT_PROBES.startup.failureCountThreshold,
      interval_seconds: DEFAULT_PROBES.startup.intervalSeconds,
    });
    expect(Number(startup.failure_count_threshold)).toBeLessThanOrEqual(
      CONTAINER_APP_PROBE_LIMITS.failureCountThreshold.max,
    );
    expect(Number(startup.failure_count_threshold) * Number(startup.interval_seconds)).toBeGreaterThanOrEqual(120);
    for (const kind of ["startup_probe", "readiness_probe", "liveness_probe"]) {
      const probe = (container[kind] as Json[])[0];
      expect(Number(probe.failure_count_threshold)).toBeLessThanOrEqual(10);
      expect(Number(probe.interval_seconds)).toBeLessThanOrEqual(240);
    }
  });

  it("a fork that raises maxInstances past Flex Consumption's 1000 learns at synth, with the field to change", () => {
    const error = refusal(() => azureStack({ spec: { maxInstances: 1200 } }));
    expect(error.problems).toEqual([
      expect.stringMatching(/\.service\.maxInstances: 1200 is above the maximum of 1000 on Flex Consumption$/),
    ]);
  });

  it("a fork that asks for more memory than a Flex instance has learns at synth", () => {
    const error = refusal(() => azureStack({ spec: { memoryMb: 6144 } }));
    expect(error.problems).toEqual([
      expect.stringMatching(/\.service\.memoryMb: 6144 is above the maximum of 4096 on Flex Consumption$/),
    ]);
  });

  it("sizes the function on a documented Flex instance size", () => {
    for (const memoryMb of [256, 1024, 3000]) {
      const app = one(azureStack({ spec: { memoryMb } }).json, "azurerm_function_app_flex_consumption");
      expect(AZURE_PLATFORM_LIMITS.flexInstanceMemoryMb.oneOf).toContain(app.instance_memory_in_mb);
    }
  });

  it("assigns the container identity no role itself: bootstrap gave it Key Vault read before any app exists", () => {
    const { json } = azureStack({ spec: { secretNames: ["DB_PASSWORD"] } });
    const reads = all(json, "azurerm_role_assignment").filter(
      (r) => r.role_definition_name === "Key Vault Secrets User",
    );
    // Only the Function App's system identity, which bootstrap cannot know (lib/azure/secrets.ts).
    for (const r of reads) expect(String(r.principal_id)).toMatch(/^\$\{azurerm_function_app_flex_consumption\./);
  });
});
