import { bootstrap } from "../../environments/bootstrap";
import { checkBootstrap, loadBootstrap } from "../../lib/config/bootstrap";
import { loadEnvironments } from "../../lib/config/load";
import { environmentInput, filesOf, SHIPPED_NAMES, shippedEnvironments } from "../helpers/environments";
import { bootstrapInput, TEST_COMPANY, twoEnvironments } from "./helpers";

const envs = loadEnvironments(filesOf(...twoEnvironments()), TEST_COMPANY);
const problemsOf = (input: unknown, against = envs) => checkBootstrap(input, against).problems;
const FILE = "environments/bootstrap.ts";

describe("bootstrap config", () => {
  it("accepts the committed environments/bootstrap.ts against environments/index.ts", () => {
    const shipped = shippedEnvironments();
    const config = loadBootstrap(bootstrap, shipped);
    expect(config.environments.map((e) => [e.config.name, e.clouds])).toEqual(
      shipped.map((env) => [env.name, env.clouds]),
    );
    expect(config.gitlab).toMatchObject(shipped[0].company.gitlab);
  });

  it("takes the GitLab project from the company settings and fills defaults", () => {
    const config = loadBootstrap(bootstrapInput(["dev", "prod"]), envs);
    expect(config.clouds).toEqual(["aws", "azure", "gcp"]);
    expect(config.gcp).toEqual({ poolId: "gitlab-ci", providerId: "gitlab" });
    expect(config.gitlab).toEqual({
      ...TEST_COMPANY.gitlab,
      protectedEnvironments: true,
      environmentScopedVariables: true,
    });
    expect(config.company).toBe(TEST_COMPANY);
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
    expect(problemsOf(bootstrapInput(["dev", "prod", "qa"]))).toEqual([
      `${FILE}: bootstrap.environments.qa: is not an environment in environments/index.ts; known: dev, prod`,
    ]);
  });

  it("names an environment that has no entry, so synth stops before CI lacks its identities", () => {
    expect(problemsOf(bootstrapInput(["dev"]))).toEqual([
      `${FILE}: bootstrap.environments.prod: is missing; every environment needs an entry here (\`prod: {}\` at least) so CI can deploy it`,
    ]);
  });

  it("lists every schema problem at once, with allowed fields for a typo", () => {
    const input = {
      ...bootstrapInput(["dev", "prod"]),
      gitlab: { projectPath: "a/b", protectedEnvironments: "yes" },
      gcp: { poolId: "gcp-pool" },
      backend: { type: "s4" },
    };
    const problems = problemsOf(input);
    expect(problems).toEqual(
      expect.arrayContaining([
        `${FILE}: bootstrap.gitlab.projectPath: is not a known field; allowed: protectedEnvironments, environmentScopedVariables`,
        `${FILE}: bootstrap.gitlab.protectedEnvironments: must be a boolean`,
        `${FILE}: bootstrap.gcp.poolId: must be 4-32 lowercase letters, digits or hyphens`,
      ]),
    );
    expect(problems.some((p) => p.startsWith(`${FILE}: bootstrap.backend`))).toBe(true);
    expect(problemsOf({ ...bootstrapInput(["dev", "prod"]), environments: { dev: { approvals: 1 } } })).toEqual([
      `${FILE}: bootstrap.environments.dev.approvals: is not a known field; allowed: requiredApprovals, deployAccess`,
    ]);
  });

  it("requires the Azure tenant when Azure is among the clouds", () => {
    expect(problemsOf(bootstrapInput(["dev", "prod"], { azure: undefined }))).toEqual([
      `${FILE}: bootstrap.azure: is required because Azure is among the clouds (set at least tenantId)`,
    ]);
    expect(problemsOf(bootstrapInput(["dev", "prod"], { azure: undefined, clouds: ["aws", "gcp"] }))).toEqual([]);
  });

  it("refuses a cloud that none of the listed environments enables", () => {
    const awsOnly = loadEnvironments(
      filesOf(
        environmentInput({
          name: "dev",
          clouds: ["aws"],
          azure: undefined,
          gcp: undefined,
          weights: { "aws.function": 100 },
        }),
      ),
      TEST_COMPANY,
    );
    expect(problemsOf(bootstrapInput(["dev"], { clouds: ["aws", "gcp"], azure: undefined }), awsOnly)).toEqual([
      `${FILE}: bootstrap.clouds.1: "gcp" is not enabled by any of the listed environments (dev)`,
    ]);
  });

  it("refuses approvals without protected environments", () => {
    const input = bootstrapInput(["dev", "prod"], { gitlab: { protectedEnvironments: false } });
    expect(problemsOf(input)).toEqual([
      `${FILE}: bootstrap.environments.prod.requiredApprovals: needs gitlab.protectedEnvironments (approvals belong to protected environments)`,
    ]);
  });

  it("reports schema problems even when the environments themselves are invalid, and skips the cross-checks", () => {
    expect(checkBootstrap(bootstrapInput(["qa"]), undefined)).toEqual({ problems: [] });
    expect(checkBootstrap({ gitlab: {} }, undefined).problems).toEqual([
      `${FILE}: bootstrap.environments: is required (expected record)`,
    ]);
  });

  it("throws one ConfigError naming the bootstrap configuration", () => {
    const unknown = SHIPPED_NAMES.includes("qa") ? "zz-qa" : "qa";
    expect(() => loadBootstrap(bootstrapInput(["dev", "prod", unknown]), envs)).toThrow(
      new RegExp(
        `^Invalid bootstrap configuration \\(1 problem\\):\\n {2}- ${FILE}: bootstrap\\.environments\\.${unknown}: `,
      ),
    );
  });
});
