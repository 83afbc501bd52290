import { Token } from "cdktf";
import { WORKLOAD_ENV } from "../../app/contract";
import { CLOUDS, TARGET_KINDS } from "../../lib/config/schema";
import { type SpecLimits, specProblems } from "../../lib/contract/spec-validation";
import { serviceSpecFor } from "../../lib/service";
import { CLOUD_MODULES } from "../../lib/stacks/clouds";
import { environmentConfig, shippedEnvironments } from "../helpers/environments";

const config = environmentConfig();
const spec = serviceSpecFor(config);
const env = spec.environment;
const AWS_LIMITS = CLOUD_MODULES.aws.limits;
const AZURE_LIMITS = CLOUD_MODULES.azure.limits;

describe("one ServiceSpec validation path", () => {
  it("accepts every shipped environment's spec on every cloud's both targets", () => {
    for (const shipped of shippedEnvironments()) {
      for (const cloud of CLOUDS) {
        for (const kind of TARGET_KINDS) {
          expect({
            cloud,
            kind,
            problems: specProblems(serviceSpecFor(shipped), CLOUD_MODULES[cloud].limits[kind]),
          }).toEqual({
            cloud,
            kind,
            problems: [],
          });
        }
      }
    }
  });

  it("checks the generic rules once, naming environment and config field", () => {
    expect(
      specProblems({
        ...spec,
        minInstances: 5,
        maxInstances: 2,
        canaryPercent: 100,
        image: " ",
        environmentVariables: { [WORKLOAD_ENV.region]: "x", "bad-name": "y" },
        secretNames: ["API_KEY", "API_KEY"],
      }),
    ).toEqual([
      `${env}.service.minInstances: 5 is greater than maxInstances (2)`,
      `${env}.canaryPercent: 100 must be a whole number from 0 to 99`,
      `${env}.containerImage: is empty; set containerImage in environments/company.ts`,
      `${env}.SERVICE.environmentVariables: "${WORKLOAD_ENV.region}" is set by every target (or is a secret name); rename it`,
      `${env}.SERVICE.environmentVariables: "bad-name" is not a variable name (a letter, then letters, digits, _)`,
      `${env}.SERVICE.secretNames: "API_KEY" is listed twice`,
    ]);
  });

  it("adds each cloud's limits: ranges, allowed values, reserved names", () => {
    const limits: SpecLimits = {
      numbers: { memoryMb: { by: "Product", max: 256 }, logRetentionDays: { by: "Logs", oneOf: [1, 2, 3] } },
      reservedVariables: { by: "Product", names: ["OWNED"], pattern: /^X_/ },
    };
    expect(
      specProblems(
        { ...spec, memoryMb: 512, logRetentionDays: 4, environmentVariables: { OWNED: "a", X_Y: "b" } },
        limits,
      ),
    ).toEqual([
      `${env}.service.memoryMb: 512 is above the maximum of 256 on Product`,
      `${env}.service.logRetentionDays: 4 is not a Logs value (1, 2, 3)`,
      `${env}.SERVICE.environmentVariables: "OWNED" is reserved by Product; rename it`,
      `${env}.SERVICE.environmentVariables: "X_Y" is reserved by Product; rename it`,
    ]);
    expect(specProblems({ ...spec, timeoutSeconds: 1000 }, AWS_LIMITS.function)).toEqual([
      `${env}.service.timeoutSeconds: 1000 is above the maximum of 900 on Lambda`,
    ]);
    expect(specProblems({ ...spec, maxInstances: 301 }, AZURE_LIMITS.container)).toEqual([
      `${env}.service.maxInstances: 301 is above the maximum of 300 on Container Apps`,
    ]);
  });

  it("skips values that are still Terraform tokens", () => {
    const tokens = {
      ...spec,
      memoryMb: Token.asNumber({ ref: "memory" }),
      logRetentionDays: Token.asNumber({ ref: "days" }),
      healthPath: Token.asString({ ref: "path" }),
    };
    expect(specProblems(tokens, AWS_LIMITS.function)).toEqual([]);
  });
});
