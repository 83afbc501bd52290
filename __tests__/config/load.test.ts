import { environments } from "../../environments";
import { ConfigError, loadEnvironments } from "../../lib/config";
import { environmentInput } from "../helpers/environments";

function problemsOf(inputs: unknown[]): string[] {
  try {
    loadEnvironments(inputs);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadEnvironments", () => {
  it("accepts the shipped environments and fills defaults", () => {
    const configs = loadEnvironments(environments);
    expect(configs.map((c) => c.name)).toEqual(["dev", "staging", "prod"]);
    expect(configs.find((c) => c.name === "dev")?.backend).toEqual({ type: "local" });
    expect(configs.find((c) => c.name === "staging")?.backend).toEqual({ type: "http" });
    expect(configs.find((c) => c.name === "prod")?.deploy.gate).toBe("manual");
    expect(configs.find((c) => c.name === "dev")?.protect).toBe(false);
    expect(configs.find((c) => c.name === "prod")?.protect).toBe(true);
  });

  it("rejects an unknown cloud and says which are allowed", () => {
    expect(problemsOf([environmentInput({ clouds: ["aws", "oracle"] })])).toContain(
      'test.clouds.1: is not allowed; expected one of "aws", "azure", "gcp"',
    );
  });

  it("reports a missing region by its full path", () => {
    const input = environmentInput();
    delete (input.aws as { region?: string }).region;
    expect(problemsOf([input])).toEqual(["test.aws.region: is required (expected string)"]);
  });

  it("requires the settings block of every enabled cloud", () => {
    expect(problemsOf([environmentInput({ gcp: undefined })])).toEqual([
      'test.gcp: is required because "gcp" is in clouds',
    ]);
  });

  it("rejects weights that do not sum to 100", () => {
    const weights = { ...environmentInput().weights, "aws.function": 50 };
    expect(problemsOf([environmentInput({ weights })])).toEqual([
      "test.weights: sum to 130; the weights of enabled origins (aws.function, aws.container, azure.function, azure.container, gcp.function, gcp.container) must sum to 100",
    ]);
  });

  it("rejects weights for an origin whose cloud is off", () => {
    const problems = problemsOf([
      environmentInput({ clouds: ["aws"], weights: { "aws.function": 50, "aws.container": 40, "gcp.function": 10 } }),
    ]);
    expect(problems).toContain(
      "test.weights.gcp.function: routes to a cloud that is not enabled; allowed origins: aws.function, aws.container",
    );
  });

  it("rejects an invalid domain", () => {
    const cloudflare = { ...environmentInput().cloudflare, domain: "Not A Domain" };
    expect(problemsOf([environmentInput({ cloudflare })])).toEqual([
      "test.cloudflare.domain: must be a lowercase DNS name such as example.com",
    ]);
  });

  it("rejects a duplicate environment name", () => {
    expect(problemsOf([environmentInput(), environmentInput()])).toEqual([
      "test.name: is used by environments[0] too; environment names must be unique",
    ]);
  });

  it("rejects min instances greater than max", () => {
    const service = { memoryMb: 256, timeoutSeconds: 10, minInstances: 5, maxInstances: 2 };
    expect(problemsOf([environmentInput({ service })])).toEqual([
      "test.service.minInstances: is 5, greater than maxInstances (2)",
    ]);
  });

  it("rejects an unknown field (a typo) and lists the allowed ones", () => {
    const input = { ...environmentInput(), regoin: "eu-west-1" };
    const [problem] = problemsOf([input]);
    expect(problem).toMatch(/^test\.regoin: is not a known field; allowed: name, clouds, aws, azure, gcp, cloudflare,/);
  });

  it("rejects a typo inside a nested block", () => {
    const input = environmentInput({ aws: { region: "eu-west-1", accountId: "123456789012", natGateway: "single" } });
    expect(problemsOf([input])).toEqual([
      "test.aws.natGateway: is not a known field; allowed: region, accountId, natGateways, certificateArn, vpcCidr",
    ]);
  });

  it("lists every problem of every environment at once", () => {
    const bad = environmentInput({ name: "qa", clouds: ["aws", "oracle"] });
    const worse = environmentInput({ name: "uat", deploy: { gate: "sometimes", tier: "production" } });
    const problems = problemsOf([bad, worse]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^qa\.clouds\.1: /),
        'uat.deploy.gate: is not allowed; expected one of "auto", "manual"',
      ]),
    );
  });

  it("labels an environment without a usable name by its index", () => {
    expect(problemsOf([environmentInput({ name: 42 })])).toEqual(["environments[0].name: must be a string"]);
  });

  it("formats the error as one message with one line per problem", () => {
    const error = (() => {
      try {
        loadEnvironments([environmentInput({ clouds: [] })]);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain("Invalid environment configuration (");
    expect(error?.message).toContain("  - test.clouds: must enable at least one cloud");
  });
});
