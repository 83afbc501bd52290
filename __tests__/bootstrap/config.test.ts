import { environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { checkBootstrap, loadBootstrap } from "../../lib/config/bootstrap";
import { loadEnvironments } from "../../lib/config/load";
import { environmentInput } from "../helpers/environments";
import { bootstrapInput, twoEnvironments } from "./helpers";

const envs = loadEnvironments(twoEnvironments());
const problemsOf = (input: unknown, against = envs) => checkBootstrap(input, against).problems;

describe("bootstrap config", () => {
  it("accepts the committed environments/bootstrap.ts against environments/index.ts", () => {
    const config = loadBootstrap(bootstrap, loadEnvironments(environments));
    expect(config.environments.map((e) => [e.config.name, e.clouds, e.requiredApprovals])).toEqual([
      ["dev", ["aws", "azure", "gcp"], 0],
      ["staging", ["aws", "azure", "gcp"], 0],
      ["prod", ["aws", "azure", "gcp"], 1],
    ]);
    expect(config.backend).toEqual({ type: "local" });
    expect(config.gitlab.defaultBranch).toBe("main");
  });

  it("fills defaults: every cloud the environments use, local state, pool names, protection on", () => {
    const config = loadBootstrap(bootstrapInput(["dev"]), envs);
    expect(config.clouds).toEqual(["aws", "azure", "gcp"]);
    expect(config.gcp).toEqual({ poolId: "gitlab-ci", providerId: "gitlab" });
    expect(config.gitlab).toMatchObject({ protectedEnvironments: true, environmentScopedVariables: true });
    expect(config.environments.map((e) => e.config.name)).toEqual(["dev"]);
  });

  it("keeps the pipeline's order of environments and limits each to the clouds bootstrap enables", () => {
    const config = loadBootstrap(
      bootstrapInput([], { environments: { prod: {}, dev: {} }, clouds: ["aws", "gcp"], azure: undefined }),
      envs,
    );
    expect(config.environments.map((e) => [e.config.name, e.clouds])).toEqual([
      ["dev", ["aws", "gcp"]],
      ["prod", ["aws", "gcp"]],
    ]);
  });

  it("names an unknown environment and lists the known ones", () => {
    expect(problemsOf(bootstrapInput(["dev", "qa"]))).toEqual([
      "bootstrap.environments.qa: is not an environment in environments/index.ts; known: dev, prod",
    ]);
  });

  it("lists every schema problem at once, with allowed fields for a typo", () => {
    const input = {
      ...bootstrapInput(["dev"]),
      gitlab: { host: "https://gitlab.com", projectPath: "group/*", projectId: 0, defaultBranch: "release/*", hots: 1 },
      gcp: { poolId: "gcp-pool" },
      backend: { type: "s4" },
    };
    const problems = problemsOf(input);
    expect(problems).toEqual(
      expect.arrayContaining([
        "bootstrap.gitlab.host: must be a lowercase host name such as gitlab.com (no scheme, port or path)",
        "bootstrap.gitlab.projectPath: must be the project's full path, e.g. my-group/multicloud-blueprint (no wildcards)",
        "bootstrap.gitlab.projectId: must be the project's numeric id",
        "bootstrap.gitlab.defaultBranch: must be a plain branch name (no wildcards, no `:` or `$`)",
        "bootstrap.gitlab.hots: is not a known field; allowed: host, projectPath, projectId, defaultBranch, protectedEnvironments, environmentScopedVariables",
        "bootstrap.gcp.poolId: must be 4-32 lowercase letters, digits or hyphens",
      ]),
    );
    expect(problems.some((p) => p.startsWith("bootstrap.backend"))).toBe(true);
    expect(problemsOf({ ...bootstrapInput(["dev"]), environments: { dev: { approvals: 1 } } })).toEqual([
      "bootstrap.environments.dev.approvals: is not a known field; allowed: requiredApprovals, deployAccess",
    ]);
  });

  it("requires the Azure tenant when Azure is among the clouds", () => {
    expect(problemsOf(bootstrapInput(["dev"], { azure: undefined }))).toEqual([
      "bootstrap.azure: is required because Azure is among the clouds (set at least tenantId)",
    ]);
    expect(problemsOf(bootstrapInput(["dev"], { azure: undefined, clouds: ["aws", "gcp"] }))).toEqual([]);
  });

  it("refuses a cloud that none of the listed environments enables", () => {
    const awsOnly = loadEnvironments([
      environmentInput({
        name: "dev",
        clouds: ["aws"],
        azure: undefined,
        gcp: undefined,
        weights: { "aws.function": 100 },
      }),
    ]);
    expect(problemsOf(bootstrapInput(["dev"], { clouds: ["aws", "gcp"], azure: undefined }), awsOnly)).toEqual([
      'bootstrap.clouds.1: "gcp" is not enabled by any of the listed environments (dev)',
    ]);
  });

  it("refuses approvals without protected environments", () => {
    const input = bootstrapInput(["prod"], {
      gitlab: { host: "gitlab.com", projectPath: "a/b", projectId: 1, protectedEnvironments: false },
    });
    expect(problemsOf(input)).toEqual([
      "bootstrap.environments.prod.requiredApprovals: needs gitlab.protectedEnvironments (approvals belong to protected environments)",
    ]);
  });

  it("refuses an environment named like the bootstrap stack", () => {
    const clash = loadEnvironments([environmentInput({ name: "bootstrap" })]);
    expect(problemsOf(bootstrapInput(["bootstrap"]), clash)).toEqual([
      `bootstrap: the environment "bootstrap" would share the bootstrap stack's id; rename that environment`,
    ]);
  });

  it("reports schema problems even when the environments themselves are invalid, and skips the cross-checks", () => {
    expect(checkBootstrap(bootstrapInput(["qa"]), undefined)).toEqual({ problems: [] });
    expect(checkBootstrap({ gitlab: {} }, undefined).problems).toEqual(
      expect.arrayContaining([
        "bootstrap.gitlab.host: is required (expected string)",
        "bootstrap.environments: is required (expected record)",
      ]),
    );
  });

  it("throws one ConfigError naming the bootstrap configuration", () => {
    expect(() => loadBootstrap(bootstrapInput(["qa"]), envs)).toThrow(
      /^Invalid bootstrap configuration \(1 problem\):\n {2}- bootstrap\.environments\.qa: /,
    );
  });
});
