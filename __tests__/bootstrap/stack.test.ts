import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import type { BootstrapConfig } from "../../lib/config/bootstrap";
import { loadBootstrap } from "../../lib/config/bootstrap";
import { IDENTITY_PURPOSES } from "../../lib/identity";
import { runSynth } from "../../lib/stacks/synth";
import {
  COMPANY,
  environmentInput,
  filesOf,
  gitlabHttpBackend,
  SHIPPED_NAMES,
  shippedEnvironments,
  type TerraformJson,
  UNKNOWN_NAME,
} from "../helpers/environments";
import { all, bootstrapConfig, bootstrapInput, referenced, synthBootstrap, TEST_COMPANY } from "./helpers";

/** Per environment, cloud and purpose: the identity bootstrap created for `service`, or nothing. */
function identities(json: TerraformJson, service = TEST_COMPANY.service): Set<string> {
  const found = new Set<string>();
  for (const role of all(json, "aws_iam_role")) {
    // The workload's roles (`<service>-<env>-...`) are no CI identity.
    const match = new RegExp(`^ci-${service}-(.+)-(plan|deploy|publish)$`).exec(role.name as string);
    if (match !== null) found.add(`${match[1]}/aws/${match[2]}`);
  }
  for (const application of all(json, "azuread_application")) {
    const tags = application.tags as string[];
    const tag = (key: string) => tags.find((t) => t.startsWith(`${key}:`))?.slice(key.length + 1);
    const [env, purpose] = [tag("environment"), tag("purpose")];
    // A client id without a credential and a role assignment is no identity.
    const credentialed = [
      ...all(json, "azuread_application_federated_identity_credential"),
      ...all(json, "azuread_application_flexible_federated_identity_credential"),
    ].some((c) => referenced(json, c.application_id).resource === application);
    if (credentialed) found.add(`${env}/azure/${purpose}`);
  }
  for (const account of all(json, "google_service_account")) {
    const [, env, purpose] = /^ci-(.+)-(plan|deploy|publish)$/.exec(account.account_id as string) ?? [];
    const bound = all(json, "google_service_account_iam_member").some(
      (b) => referenced(json, b.service_account_id).resource === account && b.role === "roles/iam.workloadIdentityUser",
    );
    if (bound) found.add(`${env}/gcp/${purpose}`);
  }
  return found;
}

function expected(config: BootstrapConfig): Set<string> {
  return new Set(
    config.environments.flatMap((env) =>
      env.clouds.flatMap((cloud) => IDENTITY_PURPOSES.map((purpose) => `${env.config.name}/${cloud}/${purpose}`)),
    ),
  );
}

describe("BootstrapStack", () => {
  it("gives every environment all its identities on every enabled cloud (the committed config)", () => {
    const shipped = shippedEnvironments();
    const config = loadBootstrap(bootstrap, shipped);
    const json = synthBootstrap(config);
    expect(expected(config).size).toBe(shipped.reduce((n, env) => n + env.clouds.length * IDENTITY_PURPOSES.length, 0));
    expect(identities(json, COMPANY.service)).toEqual(expected(config));
  });

  it("follows each environment's own clouds, sharing an account or project between environments", () => {
    const envs = [
      environmentInput({
        name: "dev",
        clouds: ["aws", "gcp"],
        azure: undefined,
        weights: { "aws.function": 50, "gcp.function": 50 },
      }),
      environmentInput({
        name: "qa",
        clouds: ["azure", "gcp"],
        aws: undefined,
        weights: { "azure.function": 50, "gcp.container": 50 },
      }),
    ];
    const config = bootstrapConfig(envs, bootstrapInput(["dev", "qa"]));
    const json = synthBootstrap(config);
    expect([...identities(json)].sort()).toEqual([
      "dev/aws/deploy",
      "dev/aws/plan",
      "dev/aws/publish",
      "dev/gcp/deploy",
      "dev/gcp/plan",
      "dev/gcp/publish",
      "qa/azure/deploy",
      "qa/azure/plan",
      "qa/azure/publish",
      "qa/gcp/deploy",
      "qa/gcp/plan",
      "qa/gcp/publish",
    ]);
    // Both environments use one GCP project: one pool, six CI accounts (and each environment's workload accounts).
    expect(all(json, "google_iam_workload_identity_pool")).toHaveLength(1);
    expect(all(json, "google_service_account").filter((a) => String(a.account_id).startsWith("ci-"))).toHaveLength(6);
    expect(all(json, "gitlab_project_variable").map((v) => v.key)).not.toContain("ARM_TENANT_ID_DEV");
  });

  it("keeps its state where the config says: local beside the environments' by default, or GitLab's", () => {
    expect(synthBootstrap().terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
    const http = bootstrapConfig(undefined, { ...bootstrapInput(["dev", "prod"]), backend: { type: "http" } });
    expect(synthBootstrap(http).terraform.backend).toEqual({ http: gitlabHttpBackend("bootstrap", TEST_COMPANY) });
  });
});

describe("runSynth with the bootstrap stack", () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "bootstrap-"));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) }, out, err };
  };

  // Written beside the environments by the same run, summarized, with no machine path: the full synth of
  // stacks/synth.test.ts checks it; no credential from the environment: policy/secrets.test.ts, in the app's
  // own process. One full synth each, not one more here.

  it("lists environment and bootstrap problems in one report, and writes nothing", () => {
    const { io, out, err } = capture();
    const bad = filesOf(environmentInput({ name: "dev", clouds: ["aws", "oracle"] }));
    const code = runSynth(
      bad,
      { outdir: join(work, "out"), company, bootstrap: { ...bootstrap, gitlab: { host: "x" } } },
      io,
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^Invalid configuration \(\d+ problems\):/);
    expect(err[0]).toContain(
      'environments/dev.ts: dev.clouds.1: is not allowed; expected one of "aws", "azure", "gcp"',
    );
    expect(err[0]).toContain("environments/bootstrap.ts: bootstrap.gitlab.host: is not a known field");
    expect(readdirSync(work)).toEqual([]);
  });

  it("names an unknown environment once the environments are valid", () => {
    const { io, err } = capture();
    const code = runSynth(
      environments,
      { outdir: join(work, "out"), company, bootstrap: { ...bootstrap, environments: { [UNKNOWN_NAME]: {} } } },
      io,
    );
    expect(code).toBe(1);
    expect(err[0]).toContain(
      `environments/bootstrap.ts: bootstrap.environments.${UNKNOWN_NAME}: is not an environment in environments/index.ts; known: ${SHIPPED_NAMES.join(", ")}`,
    );
    expect(err[0]).toContain(`bootstrap.environments.${SHIPPED_NAMES[0]}: is missing`);
  });
});
