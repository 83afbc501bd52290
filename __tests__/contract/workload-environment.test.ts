import { WORKLOAD_ENV } from "../../app/contract";
import { plainVariables, secretVariables, workloadEnvironment } from "../../lib/contract/workload-environment";
import { serviceSpecFor } from "../../lib/service";
import { environmentConfig } from "../helpers/environments";

const config = environmentConfig();
const spec = { ...serviceSpecFor(config), secretNames: ["API_KEY"], environmentVariables: { FEATURE: "on" } };

describe("workloadEnvironment", () => {
  it("gives a container every contract variable, the spec's variables, and secrets by reference", () => {
    const env = workloadEnvironment(spec, {
      cloud: "azure",
      region: "somewhere-1",
      target: "container",
      originSecret: "generated-value",
    });
    expect(plainVariables(env)).toEqual({
      FEATURE: "on",
      [WORKLOAD_ENV.serviceName]: spec.name,
      [WORKLOAD_ENV.serviceVersion]: spec.version,
      [WORKLOAD_ENV.environment]: spec.environment,
      [WORKLOAD_ENV.region]: "somewhere-1",
      [WORKLOAD_ENV.cloud]: "azure",
      [WORKLOAD_ENV.port]: String(spec.containerPort),
    });
    expect(secretVariables(env)).toEqual([
      ["API_KEY", { secret: "API_KEY" }],
      [WORKLOAD_ENV.originSecret, { secret: WORKLOAD_ENV.originSecret, value: "generated-value" }],
    ]);
  });

  it("leaves PORT to function runtimes and to platforms that set it, and ORIGIN_SECRET out when there is none", () => {
    const fn = workloadEnvironment(spec, { cloud: "gcp", region: "r", target: "function" });
    expect(fn).not.toHaveProperty(WORKLOAD_ENV.port);
    expect(fn).not.toHaveProperty(WORKLOAD_ENV.originSecret);
    const run = workloadEnvironment(spec, {
      cloud: "gcp",
      region: "r",
      target: "container",
      platformSets: [WORKLOAD_ENV.port],
    });
    expect(run).not.toHaveProperty(WORKLOAD_ENV.port);
    expect(run).toHaveProperty(WORKLOAD_ENV.region, "r");
  });

  it("lets the contract win over a spec variable of the same name", () => {
    const env = workloadEnvironment(
      { ...spec, environmentVariables: { [WORKLOAD_ENV.region]: "spoofed" } },
      { cloud: "aws", region: "real", target: "function" },
    );
    expect(env[WORKLOAD_ENV.region]).toBe("real");
  });
});
