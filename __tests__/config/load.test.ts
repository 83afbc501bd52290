import { company as companyInput, environments } from "../../environments";
import {
  ConfigError,
  checkCompany,
  defaultDomain,
  loadCompany,
  loadEnvironments,
  scaleWeights,
  withCompanyDefaults,
} from "../../lib/config";
import { MAX_BODY_BYTES_CEILING } from "../../lib/config/schema";
import { BODY_LIMIT, serviceSpecFor } from "../../lib/service";
import { COMPANY, environmentInput, filesOf, SHIPPED_NAMES } from "../helpers/environments";

function problemsOf(files: Record<string, unknown>): string[] {
  try {
    loadEnvironments(files, COMPANY);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const ALL = "aws.function, aws.container, azure.function, azure.container, gcp.function, gcp.container";

describe("loadEnvironments", () => {
  it("accepts the shipped environments, in index order, each named like its file", () => {
    const configs = loadEnvironments(environments, COMPANY);
    expect(configs.map((c) => c.name)).toEqual(SHIPPED_NAMES);
    for (const config of configs) {
      expect(config.company).toBe(COMPANY);
      expect(config.cloudflare.domain).toBe(config.cloudflare.domain.toLowerCase());
    }
  });

  it("fills what a file leaves out from the company settings", () => {
    const input = environmentInput({ name: "qa", clouds: undefined, weights: undefined, containerImage: undefined });
    delete (input.aws as { region?: string }).region;
    const [config] = loadEnvironments(filesOf(input), COMPANY);
    expect(config.clouds).toEqual(COMPANY.clouds);
    expect(config.aws?.region ?? COMPANY.regions.aws).toBe(COMPANY.regions.aws);
    expect(config.cloudflare).toEqual({
      accountId: COMPANY.cloudflare.accountId,
      zoneId: COMPANY.cloudflare.zoneId,
      plan: COMPANY.cloudflare.plan,
      domain: `qa.${COMPANY.domain}`,
      zoneShared: true,
      stickyKeyGeneration: 0,
    });
    expect(config.containerImage).toBe(COMPANY.containerImage);
    const enabled = Object.entries(config.weights).filter(([, w]) => w !== undefined);
    expect(enabled.reduce((sum, [, w]) => sum + (w as number), 0)).toBe(100);
  });

  it("serves the production tier on the root domain and lets that environment manage the zone", () => {
    const [config] = loadEnvironments(
      filesOf(environmentInput({ name: "live", deploy: { gate: "manual", tier: "production" } })),
      COMPANY,
    );
    expect(config.cloudflare.domain).toBe(COMPANY.domain);
    expect(config.cloudflare.zoneShared).toBe(false);
    expect(defaultDomain(COMPANY, "qa", "staging")).toBe(`qa.${COMPANY.domain}`);
  });

  it("keeps what a file sets over the company's", () => {
    const cloudflare = { domain: "shop.other-zone.io", zoneId: "ab".repeat(16) };
    const [config] = loadEnvironments(filesOf(environmentInput({ cloudflare, containerImage: "r.io/x:1" })), COMPANY);
    expect(config.cloudflare).toMatchObject({ ...cloudflare, accountId: COMPANY.cloudflare.accountId });
    expect(config.containerImage).toBe("r.io/x:1");
  });

  it("rejects an unknown cloud and says which are allowed, naming the file", () => {
    expect(problemsOf(filesOf(environmentInput({ clouds: ["aws", "oracle"] })))).toContain(
      'environments/test.ts: test.clouds.1: is not allowed; expected one of "aws", "azure", "gcp"',
    );
  });

  it("requires the settings block of every enabled cloud", () => {
    expect(problemsOf(filesOf(environmentInput({ gcp: undefined })))).toEqual([
      'environments/test.ts: test.gcp: is required because "gcp" is in clouds',
    ]);
  });

  it("checks regions against each cloud's list and suggests the closest", () => {
    const input = environmentInput({
      aws: { region: "eu-west-9", accountId: "123456789012" },
      azure: { location: "westeurop", subscriptionId: "00000000-0000-0000-0000-00000000000a" },
      gcp: { project: "blueprint-test-01", region: "europe-wast1" },
    });
    const hint = "(lib/config/regions.ts lists them)";
    expect(problemsOf(filesOf(input))).toEqual([
      `environments/test.ts: test.aws.region: is not a known AWS region; did you mean eu-west-1? ${hint}`,
      `environments/test.ts: test.azure.location: is not a known Azure region; did you mean westeurope? ${hint}`,
      `environments/test.ts: test.gcp.region: is not a known GCP region; did you mean europe-west1? ${hint}`,
    ]);
    expect(
      checkCompany({ ...companyInput, regions: { ...companyInput.regions, gcp: "europe-wast1" } }).problems,
    ).toEqual([
      `environments/company.ts: company.regions.gcp: is not a known GCP region; did you mean europe-west1? ${hint}`,
    ]);
  });

  it("rejects weights that do not sum to 100", () => {
    const weights = { ...environmentInput().weights, "aws.function": 50 };
    expect(problemsOf(filesOf(environmentInput({ weights })))).toEqual([
      `environments/test.ts: test.weights: sum to 130; the weights of enabled origins (${ALL}) must sum to 100`,
    ]);
  });

  it("rejects weights for an origin whose cloud is off", () => {
    const problems = problemsOf(
      filesOf(
        environmentInput({ clouds: ["aws"], weights: { "aws.function": 50, "aws.container": 40, "gcp.function": 10 } }),
      ),
    );
    expect(problems).toContain(
      "environments/test.ts: test.weights.gcp.function: routes to a cloud that is not enabled; allowed origins: aws.function, aws.container",
    );
  });

  it("rejects an invalid domain", () => {
    expect(problemsOf(filesOf(environmentInput({ cloudflare: { domain: "Not A Domain" } })))).toEqual([
      "environments/test.ts: test.cloudflare.domain: must be a lowercase DNS name such as staging.my-company.io",
    ]);
  });

  it("names both files when two environments share a name", () => {
    expect(problemsOf({ test: environmentInput(), other: environmentInput() })).toEqual([
      'environments/other.ts: test.name: "test" is also the name in environments/test.ts; environment names must be unique',
    ]);
  });

  it("requires the name to equal the file name, and refuses the names of the other files", () => {
    expect(problemsOf({ qa: environmentInput({ name: "uat" }) })).toEqual([
      'environments/qa.ts: uat.name: is "uat"; it must equal the file name ("qa")',
    ]);
    expect(problemsOf(filesOf(environmentInput({ name: "company" })))).toEqual([
      'environments/company.ts: company: "company" is reserved for environments/company.ts itself; choose another name',
    ]);
  });

  it("rejects min instances greater than max", () => {
    const service = { memoryMb: 256, timeoutSeconds: 10, minInstances: 5, maxInstances: 2 };
    expect(problemsOf(filesOf(environmentInput({ service })))).toEqual([
      "environments/test.ts: test.service.minInstances: is 5, greater than maxInstances (2)",
    ]);
  });

  it("defaults the body limit to 1 MiB and refuses one above Lambda's 6 MiB payload limit", () => {
    const service = { memoryMb: 256, timeoutSeconds: 10, minInstances: 0, maxInstances: 2 };
    const [config] = loadEnvironments(filesOf(environmentInput({ service })), COMPANY);
    expect(config.service.maxBodyBytes).toBe(BODY_LIMIT.defaultBytes);
    expect(serviceSpecFor(config).environmentVariables[BODY_LIMIT.envVar]).toBe(String(BODY_LIMIT.defaultBytes));
    const tooLarge = { ...service, maxBodyBytes: MAX_BODY_BYTES_CEILING + 1 };
    expect(problemsOf(filesOf(environmentInput({ service: tooLarge })))).toEqual([
      `environments/test.ts: test.service.maxBodyBytes: must be at most ${MAX_BODY_BYTES_CEILING} (Lambda's 6 MiB payload limit)`,
    ]);
  });

  it("defaults the canary analysis, keeps what a file sets, and names a bad value", () => {
    const [defaults] = loadEnvironments(filesOf(environmentInput({})), COMPANY);
    expect(defaults.canaryAnalysis).toEqual({ bakeSeconds: 300, minSamples: 100, waitSeconds: 600 });
    const [tiny] = loadEnvironments(filesOf(environmentInput({ canaryAnalysis: { bakeSeconds: 1 } })), COMPANY);
    expect(tiny.canaryAnalysis).toEqual({ bakeSeconds: 1, minSamples: 100, waitSeconds: 600 });
    expect(
      problemsOf(filesOf(environmentInput({ canaryAnalysis: { bakeSeconds: 7200, minSamples: 0, waitSeconds: 1.5 } }))),
    ).toEqual([
      "environments/test.ts: test.canaryAnalysis.bakeSeconds: must be at most 3600 (an hour): a longer bake holds the pipeline and its runner",
      "environments/test.ts: test.canaryAnalysis.minSamples: must be at least 1: a verdict needs answers to judge",
      "environments/test.ts: test.canaryAnalysis.waitSeconds: must be a whole number",
    ]);
  });

  it("rejects an unknown field (a typo) and lists the allowed ones", () => {
    const input = { ...environmentInput(), regoin: "eu-west-1" };
    const [problem] = problemsOf(filesOf(input));
    expect(problem).toMatch(
      /^environments\/test\.ts: test\.regoin: is not a known field; allowed: name, clouds, aws, azure, gcp, cloudflare,/,
    );
  });

  it("rejects a typo inside a nested block", () => {
    const input = environmentInput({ aws: { region: "eu-west-1", accountId: "123456789012", natGateway: "single" } });
    expect(problemsOf(filesOf(input))).toEqual([
      "environments/test.ts: test.aws.natGateway: is not a known field; allowed: region, accountId, natGateways, certificateArn, vpcCidr",
    ]);
  });

  it("lists every problem of every environment at once", () => {
    const bad = environmentInput({ name: "qa", clouds: ["aws", "oracle"] });
    const worse = environmentInput({ name: "uat", deploy: { gate: "sometimes", tier: "production" } });
    expect(problemsOf(filesOf(bad, worse))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\/qa\.ts: qa\.clouds\.1: /),
        'environments/uat.ts: uat.deploy.gate: is not allowed; expected one of "auto", "manual"',
      ]),
    );
  });

  it("labels an environment without a usable name by its file", () => {
    expect(problemsOf({ qa: environmentInput({ name: 42 }) })).toEqual([
      "environments/qa.ts: qa.name: must be a string",
    ]);
  });

  it("formats the error as one message with one line per problem", () => {
    const error = (() => {
      try {
        loadEnvironments(filesOf(environmentInput({ clouds: [] })), COMPANY);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain("Invalid environment configuration (");
    expect(error?.message).toContain("  - environments/test.ts: test.clouds: must enable at least one cloud");
  });
});

describe("company settings", () => {
  it("accepts environments/company.ts", () => {
    expect(loadCompany(companyInput)).toEqual(COMPANY);
  });

  it("names the file and field of every problem", () => {
    const bad = {
      ...companyInput,
      service: "Hello World",
      gitlab: { host: "https://gitlab.com", projectPath: "group/*", projectId: 0, defaultBranch: "release/*" },
      tags: { service: "x", Team: "y" },
    };
    expect(checkCompany(bad).problems).toEqual(
      expect.arrayContaining([
        "environments/company.ts: company.service: must be 3-16 lowercase letters, digits or hyphens, starting with a letter",
        "environments/company.ts: company.gitlab.host: must be a lowercase host name such as gitlab.com (no scheme, port or path)",
        "environments/company.ts: company.gitlab.projectPath: must be the project's full path, e.g. my-group/multicloud-blueprint (no wildcards)",
        "environments/company.ts: company.gitlab.projectId: must be the project's numeric id",
        "environments/company.ts: company.gitlab.defaultBranch: must be a plain branch name (no wildcards, no `:` or `$`)",
        "environments/company.ts: company.tags.Team: must be a lowercase tag key (letters, digits, _ or -)",
      ]),
    );
    expect(checkCompany({ ...companyInput, tags: { service: "x" } }).problems).toEqual([
      "environments/company.ts: company.tags.service: is set by every stack itself; choose another key",
    ]);
    expect(() => loadCompany({ ...companyInput, domian: "x.io" })).toThrow(
      /^Invalid company settings \(\d+ problems?\):\n {2}- environments\/company\.ts: company\.domian: is not a known field/,
    );
  });

  it("scales traffic shares of the enabled origins to 100, keeping proportions", () => {
    expect(
      scaleWeights({ "aws.function": 20, "aws.container": 15, "gcp.function": 15 }, ["aws.function", "aws.container"]),
    ).toEqual({
      "aws.function": 57,
      "aws.container": 43,
    });
    expect(scaleWeights(undefined, ["aws.function", "aws.container", "gcp.function"])).toEqual({
      "aws.function": 34,
      "aws.container": 33,
      "gcp.function": 33,
    });
    expect(scaleWeights({ "aws.function": 0 }, ["aws.function", "aws.container"])).toEqual({
      "aws.function": 50,
      "aws.container": 50,
    });
  });

  it("leaves values of the wrong type for the schema to report", () => {
    expect(withCompanyDefaults("not an object", COMPANY)).toBe("not an object");
    expect(withCompanyDefaults({ name: "qa", clouds: ["aws"], aws: "eu-west-1" }, COMPANY)).toMatchObject({
      aws: "eu-west-1",
    });
  });

  it("asks for a region only for the clouds in use", () => {
    const gcpOnly = { ...companyInput, clouds: ["gcp"], regions: { gcp: "europe-west1" } };
    expect(checkCompany(gcpOnly).problems).toEqual([]);
    expect(checkCompany({ ...gcpOnly, clouds: ["gcp", "azure"] }).problems).toEqual([
      "environments/company.ts: company.regions.azure: is required: azure is in company.clouds (lib/config/regions.ts lists the regions)",
    ]);
    const company = loadCompany(gcpOnly);
    // The blocks of clouds that are off are ignored, with or without a region.
    const qa = environmentInput({ name: "qa", clouds: ["gcp"], weights: undefined });
    const [config] = loadEnvironments(filesOf(qa), company);
    expect([config.clouds, config.aws, config.azure, config.gcp?.project]).toEqual([
      ["gcp"],
      undefined,
      undefined,
      qa.gcp?.project,
    ]);
    // An environment that turns on a cloud the company does not use names that cloud's region itself.
    const withAws = { ...qa, clouds: ["gcp", "aws"], aws: { accountId: "123456789012" } };
    expect(() => loadEnvironments(filesOf(withAws), company)).toThrow(
      "environments/qa.ts: qa.aws.region: is required (expected string)",
    );
    const own = loadEnvironments(
      filesOf({ ...withAws, aws: { accountId: "123456789012", region: "eu-west-1" } }),
      company,
    );
    expect(own[0].aws?.region).toBe("eu-west-1");
  });
});
