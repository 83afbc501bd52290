import type { ServiceSpec } from "../../lib/service";
import { environmentConfig, synthEnvironment } from "../helpers/environments";
import { parity } from "../parity/aws";

// The shared runner (parity.test.ts) walks every cloud; this checks AWS alone, on two shapes of environment.
describe("AWS parity: every ServiceSpec field lands", () => {
  const cases = {
    "canary, warm instances": environmentConfig({
      clouds: ["aws"],
      weights: { "aws.function": 50, "aws.container": 50 },
      canaryPercent: 10,
    }),
    "no canary, scale to zero": environmentConfig({
      clouds: ["aws"],
      weights: { "aws.function": 50, "aws.container": 50 },
      service: { memoryMb: 256, timeoutSeconds: 10, minInstances: 0, maxInstances: 2, logRetentionDays: 7 },
    }),
  };

  for (const [label, config] of Object.entries(cases)) {
    describe(label, () => {
      const { json, stack } = synthEnvironment(config);
      const spec = stack.spec;
      for (const field of Object.keys(parity.fields) as (keyof ServiceSpec)[]) {
        it(field, () => {
          const landed = parity.fields[field](json, spec);
          for (const [target, found] of Object.entries(landed)) {
            if ("notApplicable" in found) {
              expect(found.notApplicable.length).toBeGreaterThan(10);
            } else if (field === "environmentVariables") {
              expect({ target, value: found.value }).toMatchObject({ target, value: spec[field] });
            } else {
              expect({ target, value: found.value }).toEqual({ target, value: spec[field] });
            }
          }
        });
      }
    });
  }
});
