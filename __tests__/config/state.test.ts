/**
 * Where a protected environment keeps its state: config validation, the
 * derived names, and the backend block the pipeline's stable:<env> writes,
 * which must be the one the stack synthesizes.
 */

import { cloudBackendJson, environmentStateLocation } from "../../lib/backend";
import { ConfigError } from "../../lib/config/errors";
import { loadEnvironments } from "../../lib/config/load";
import { CLOUDS, type Cloud } from "../../lib/config/schema";
import { stateCloud, stateLocation } from "../../lib/config/state";
import { COMPANY, environmentConfig, environmentInput, filesOf, synthEnvironment } from "../helpers/environments";

function problemsOf(patch: Parameters<typeof environmentInput>[0]): string[] {
  try {
    loadEnvironments(filesOf(environmentInput(patch)), COMPANY);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [...error.problems];
  }
}

describe("a protected environment's state", () => {
  it.each(["http", "local"])("may not be %s: the error says how to fix it", (type) => {
    const problems = problemsOf({ protect: true, backend: { type } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/backend\.type: is "(http|local)", but a protected environment/);
    expect(problems[0]).toContain('set backend: { type: "cloud" }');
    expect(problems[0]).toContain("readable by every Developer and by any merge-request job");
  });

  it("is accepted in its own cloud, and so is an unprotected environment's GitLab-managed state", () => {
    expect(problemsOf({ protect: true, backend: { type: "cloud" } })).toEqual([]);
    expect(problemsOf({ protect: false, backend: { type: "http" } })).toEqual([]);
  });

  it("must be in a cloud the environment enables", () => {
    const problems = problemsOf({
      clouds: ["gcp"],
      weights: { "gcp.function": 50, "gcp.container": 50 },
      protect: true,
      backend: { type: "cloud", cloud: "aws" },
    });
    expect(problems).toEqual([
      expect.stringMatching(/backend\.cloud: is "aws", a cloud the environment does not enable; pick one of gcp/),
    ]);
  });

  it("defaults to the first of aws, gcp, azure the environment enables", () => {
    expect(stateCloud({ clouds: ["azure", "gcp"] })).toBe("gcp");
    expect(stateCloud({ clouds: ["azure"] })).toBe("azure");
    expect(stateCloud({ clouds: ["gcp", "aws"] })).toBe("aws");
    expect(stateCloud({ clouds: ["aws"] }, "aws")).toBe("aws");
  });

  it("has names each cloud accepts, even for the longest service and environment names", () => {
    const env = environmentConfig({ name: "a-very-long-env-name", protect: true });
    const longest = { ...env, company: { ...env.company, service: "s".repeat(16) } };
    for (const cloud of CLOUDS) {
      const location = stateLocation(longest, cloud);
      if (location.cloud === "aws") expect(location.bucket.length).toBeLessThanOrEqual(63);
      if (location.cloud === "gcp") {
        expect(location.bucket.length).toBeLessThanOrEqual(63);
        // Outside the `<service>-<env>-*` names the environment's own bucket grants match.
        expect(location.bucket.startsWith(`${longest.company.service}-${longest.name}-`)).toBe(false);
      }
      if (location.cloud === "azure") expect(location.storageAccountName).toMatch(/^[a-z0-9]{3,24}$/);
    }
  });

  it.each(CLOUDS)("in %s: stable:<env> writes the backend block the stack synthesizes", (cloud: Cloud) => {
    // That cloud alone (a third of the stack to synthesize): the backend block reads only the environment and that cloud.
    const others = Object.fromEntries(CLOUDS.filter((c) => c !== cloud).map((c) => [c, undefined]));
    const config = environmentConfig({
      protect: true,
      clouds: [cloud],
      ...others,
      weights: { [`${cloud}.function`]: 100 },
      backend: { type: "cloud", cloud },
    });
    const location = environmentStateLocation(config);
    expect(location?.cloud).toBe(cloud);
    const json = synthEnvironment(config).json as { terraform?: { backend?: unknown } };
    expect(json.terraform?.backend).toEqual(cloudBackendJson(location as NonNullable<typeof location>));
  });
});
