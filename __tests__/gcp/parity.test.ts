import type { ServiceSpec } from "../../lib/service";
import { parity } from "../parity/gcp";
import { synthGcp } from "./helpers";

/** What the shared runner does: every field lands where the parity module says, in the spec's units. */
function check(options: Parameters<typeof synthGcp>[0]) {
  const { json, spec } = synthGcp(options);
  for (const field of Object.keys(parity.fields) as (keyof ServiceSpec)[]) {
    const landing = parity.fields[field](json, spec);
    for (const target of ["function", "container"] as const) {
      const landed = landing[target];
      if ("notApplicable" in landed) {
        expect(landed.notApplicable).toEqual(expect.any(String));
        continue;
      }
      if (field === "environmentVariables") expect(landed.value).toMatchObject(spec[field]);
      else expect({ field, target, value: landed.value }).toEqual({ field, target, value: spec[field] });
    }
  }
  return { json, spec };
}

describe("GCP parity", () => {
  it("covers every ServiceSpec field", () => {
    const spec = synthGcp().spec;
    expect(Object.keys(parity.fields).sort()).toEqual(Object.keys(spec).sort());
  });

  it("lands every field of the default spec", () => {
    check({});
  });

  it("lands a canary, secrets and non-default sizes", () => {
    check({
      env: {
        canaryPercent: 20,
        service: { memoryMb: 768, timeoutSeconds: 45, minInstances: 1, maxInstances: 3, logRetentionDays: 14 },
      },
      rollout: { newPercent: 20, stable: "shop-test-run-0123456789" },
      spec: { secretNames: ["API_KEY"], environmentVariables: { LOG_LEVEL: "debug", FEATURE: "on" } },
      originSecret: true,
    });
  });

  it("says why a canary without a stable revision does not land", () => {
    const { json, spec } = synthGcp({ env: { canaryPercent: 10 } });
    expect(parity.fields.canaryPercent(json, spec).container).toEqual({
      notApplicable: expect.stringMatching(/stable revision/),
    });
  });

  it("catches a field that does not land", () => {
    const { json, spec } = synthGcp();
    expect(parity.fields.memoryMb(json, { ...spec, memoryMb: spec.memoryMb + 1 }).container).not.toEqual({
      value: spec.memoryMb + 1,
    });
    expect(parity.fields.image(json, { ...spec, image: "ghcr.io/example/other:9" }).container).not.toEqual({
      value: "ghcr.io/example/other:9",
    });
  });
});
