import { join } from "node:path";
import { company as companyInput, environments } from "../../environments";
import { bootstrap as bootstrapInput } from "../../environments/bootstrap";
import { type ConfigurationInputs, doctorCommand, TOOLS } from "../../tools/cli";
import { helpOf, runCommand } from "../../tools/command";
import {
  binaryCheck,
  bootstrapCheck,
  configuredIds,
  credentialCheck,
  environmentChecks,
  isPlaceholder,
  nodeCheck,
  type Probe,
  placeholderChecks,
  stateCheck,
  versionAtLeast,
} from "../../tools/doctor";
import { idsFor } from "../../tools/forks";
import { environmentConfig, SHIPPED_NAMES, UNKNOWN_NAME } from "../helpers/environments";
import { messagesIo } from "../helpers/io";

const ROOT = join(__dirname, "..", "..");

/** A machine with exactly `env`, these binaries and these files. */
function probe(env: Record<string, string> = {}, binaries: Record<string, string> = {}, files: string[] = []): Probe {
  return {
    env,
    nodeVersion: "v20.19.1",
    home: "/home/dev",
    root: ROOT,
    which: (command) => (command in binaries ? `/usr/bin/${command}` : undefined),
    version: (binary) => binaries[binary],
    exists: (path) => files.includes(path),
  };
}

/** This repository's configuration with a company's own ids and names in place of the placeholders. */
const OWN = (() => {
  const service = "shopfront";
  const files = Object.fromEntries(
    Object.entries(environments).map(([name, input], i) => {
      const ids = idsFor(1, service, name, i + 1);
      const own = structuredClone(input) as unknown as Record<string, Record<string, unknown>>;
      if (own.aws !== undefined) own.aws.accountId = ids.aws;
      if (own.azure !== undefined) own.azure.subscriptionId = ids.azure;
      if (own.gcp !== undefined) own.gcp.project = ids.gcp;
      return [name, own];
    }),
  );
  const company = {
    ...companyInput,
    service,
    domain: "shopfront-corp.io",
    gitlab: { ...companyInput.gitlab, projectPath: "shopfront-corp/platform/shop", projectId: 48213977 },
    cloudflare: { accountId: "9c1e44f0b2a84d6e8f3a7b5c2d1e0f9a", zoneId: "4d7a2c9e1b3f5a6c8e0d2b4f6a8c0e1d" },
    containerImage: "registry.shopfront-corp.io/shop:2.3.0",
  };
  const bootstrap = {
    ...bootstrapInput,
    azure: { ...bootstrapInput.azure, tenantId: "3f2b9c4e-8a1d-4c7e-9b05-6d2e1f0a7c93" },
  };
  return { files, company, bootstrap };
})();

const ALL_CLOUDS = {
  AWS_PROFILE: "deploy",
  ARM_CLIENT_ID: "id",
  ARM_CLIENT_SECRET: "secret",
  GOOGLE_CREDENTIALS: "{}",
  CLOUDFLARE_API_TOKEN: "token",
  TF_HTTP_USERNAME: "me",
  TF_HTTP_PASSWORD: "glpat",
};

describe("npm run doctor", () => {
  it("compares Node versions numerically", () => {
    expect(versionAtLeast("v20.19.0", "20.19")).toBe(true);
    expect(versionAtLeast("v20.9.0", "20.19")).toBe(false);
    expect(versionAtLeast("v22.1.0", "20.19")).toBe(true);
    expect(nodeCheck({ ...probe(), nodeVersion: "v18.20.0" }, "20.19")).toMatchObject({
      ok: false,
      fix: expect.stringContaining("20.19"),
    });
  });

  it("finds terraform, or tofu only when cdktf is told to use it", () => {
    expect(binaryCheck(probe({}, { terraform: "Terraform v1.13.0" }))).toMatchObject({
      ok: true,
      what: expect.stringContaining("Terraform v1.13.0"),
    });
    expect(binaryCheck(probe({}, { tofu: "OpenTofu v1.10.8" }))).toMatchObject({
      ok: false,
      fix: expect.stringContaining("TERRAFORM_BINARY_NAME=tofu"),
    });
    expect(binaryCheck(probe({ TERRAFORM_BINARY_NAME: "tofu" }, { tofu: "OpenTofu v1.10.8" }))).toMatchObject({
      ok: true,
    });
    expect(binaryCheck(probe())).toMatchObject({ ok: false, fix: expect.stringContaining("install OpenTofu") });
  });

  it("accepts each cloud's variables or CLI login, and says what to set when there is neither", () => {
    expect(credentialCheck(probe(), "aws")).toMatchObject({ ok: false, fix: expect.stringContaining("AWS_PROFILE") });
    expect(credentialCheck(probe({}, {}, ["/home/dev/.aws/config"]), "aws").ok).toBe(true);
    expect(credentialCheck(probe({ ARM_CLIENT_ID: "x" }), "azure")).toMatchObject({
      ok: false,
      fix: expect.stringContaining("az login"),
    });
    expect(credentialCheck(probe({ ARM_CLIENT_ID: "x", ARM_USE_OIDC: "true" }), "azure").ok).toBe(true);
    expect(credentialCheck(probe({ GOOGLE_APPLICATION_CREDENTIALS: "/missing.json" }), "gcp").ok).toBe(false);
    expect(credentialCheck(probe({ GOOGLE_APPLICATION_CREDENTIALS: "/key.json" }, {}, ["/key.json"]), "gcp").ok).toBe(
      true,
    );
    expect(credentialCheck(probe(), "cloudflare")).toMatchObject({
      ok: false,
      fix: expect.stringContaining("CLOUDFLARE_API_TOKEN"),
    });
  });

  it("needs only the GitLab username and token for GitLab-managed state, never printing a value", () => {
    const env = environmentConfig({ backend: { type: "http" } });
    const missing = stateCheck(probe({ TF_HTTP_USERNAME: "me" }), env);
    expect(missing).toMatchObject({ ok: false, what: expect.stringContaining("TF_HTTP_PASSWORD not set") });
    const ready = stateCheck(probe({ TF_HTTP_USERNAME: "me", TF_HTTP_PASSWORD: "glpat-secret-value" }), env);
    expect(ready.ok).toBe(true);
    expect(JSON.stringify(ready)).not.toContain("glpat-secret-value");
    expect(stateCheck(probe(), environmentConfig()).ok).toBe(true); // local state needs nothing
  });

  it("checks only the clouds the environment enables", () => {
    const awsOnly = environmentConfig({
      clouds: ["aws"],
      azure: undefined,
      gcp: undefined,
      weights: { "aws.function": 100 },
    });
    const checks = environmentChecks(probe({ AWS_PROFILE: "x", CLOUDFLARE_API_TOKEN: "t" }), awsOnly);
    expect(checks.map((c) => c.what.split(":")[0])).toEqual(["AWS credentials", "Cloudflare credentials", "state"]);
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it("wants bootstrap's local state, and cannot judge a remote one", () => {
    expect(bootstrapCheck(probe(), "local")).toMatchObject({
      ok: false,
      fix: expect.stringContaining("npx cdktf deploy bootstrap"),
    });
    expect(bootstrapCheck(probe({}, {}, [join(ROOT, "terraform.bootstrap.tfstate")]), "local").ok).toBe(true);
    expect(bootstrapCheck(probe(), "http")).toMatchObject({ ok: true, unknown: true });
  });

  it("knows a placeholder from a company's own id", () => {
    for (const value of [
      "example.net",
      "shop.example.org",
      "api.fixture.test",
      "111111111111",
      "123456789012",
      "00000000-0000-0000-0000-000000000001",
      "3456789abcdef0123456789abcdef012",
      "cba9876543210fedcba9876543210fed",
      12345678,
      "blueprint-dev-000001",
      "example/other-project",
      "ghcr.io/example/shop:1.0.0",
    ]) {
      expect([value, isPlaceholder(value)]).toEqual([value, true]);
    }
    for (const value of [
      "shop-corp.io",
      "704281930556",
      "3f2b9c4e-8a1d-4c7e-9b05-6d2e1f0a7c93",
      "9c1e44f0b2a84d6e8f3a7b5c2d1e0f9a",
      48213977,
      "shop-prod-4821",
      "shop-corp/platform/shop",
      "registry.shop-corp.io/shop:2.3.0",
    ]) {
      expect([value, isPlaceholder(value)]).toEqual([value, false]);
    }
  });

  it("names each file that still holds a placeholder, with its fields", () => {
    const config = environmentConfig({ name: "qa", aws: { region: "eu-west-1", accountId: "111111111111" } });
    const checks = placeholderChecks(configuredIds({ ...config.company, domain: "shop.example.org" }, [config]));
    expect(checks).toContainEqual({
      ok: false,
      what: expect.stringContaining("environments/company.ts: placeholder company.domain (shop.example.org)"),
      fix: expect.stringContaining("docs/forking.md"),
    });
    expect(checks).toContainEqual(
      expect.objectContaining({ ok: false, what: expect.stringContaining("qa.aws.accountId (111111111111)") }),
    );
    expect(checks.map((check) => check.what.split(":")[0])).toEqual(
      expect.arrayContaining(["environments/company.ts", "environments/qa.ts"]),
    );
  });

  it("exits 0 only when every check passes, 1 with each missing piece, 2 on bad usage", async () => {
    const { io, out, err } = messagesIo();
    const doctor = (args: string[], probe: Probe, inputs?: ConfigurationInputs) =>
      runCommand(
        doctorCommand(() => probe, inputs),
        args,
        io,
        TOOLS,
      );
    const ready = probe(ALL_CLOUDS, { terraform: "Terraform v1.13.0" }, [join(ROOT, "terraform.bootstrap.tfstate")]);
    expect(await doctor([], ready, OWN)).toBe(0);
    expect(out.at(-1)).toContain("Ready: deploy can start.");
    for (const name of SHIPPED_NAMES) expect(out.join("\n")).toContain(`npx cdktf deploy ${name} (`);

    const { CLOUDFLARE_API_TOKEN: _, ...noCloudflare } = ALL_CLOUDS;
    out.length = 0;
    expect(
      await doctor(
        [SHIPPED_NAMES[0]],
        probe(noCloudflare, { terraform: "Terraform v1.13.0" }, [join(ROOT, "terraform.bootstrap.tfstate")]),
        OWN,
      ),
    ).toBe(1);
    expect(out.join("\n")).toMatch(
      /FAIL {2}Cloudflare credentials: none found[^\n]*\n {8}-> export CLOUDFLARE_API_TOKEN/,
    );

    // The placeholders a fork has not replaced yet fail, file and field named.
    out.length = 0;
    const placeholders = { ...OWN, company: { ...OWN.company, domain: "shop.example.org" } };
    expect(await doctor([], ready, placeholders)).toBe(1);
    expect(out.join("\n")).toContain("FAIL  environments/company.ts: placeholder company.domain (shop.example.org)");

    expect(await doctor([UNKNOWN_NAME], ready)).toBe(2);
    expect(err.at(-1)).toContain(`unknown environment ${UNKNOWN_NAME}; known: ${SHIPPED_NAMES.join(", ")}`);
    expect(await doctor(["--help"], ready)).toBe(0);
    expect(out.at(-1)).toBe(helpOf(doctorCommand(), TOOLS));
    expect(out.at(-1)).toMatch(/^Usage: npm run doctor -- \[<env>\.\.\.\]\n/);
  });
});
