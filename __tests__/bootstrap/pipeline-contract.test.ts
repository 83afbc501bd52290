/**
 * The two sides of the GitLab OIDC contract, both derived from lib/identity.ts:
 * the committed `.gitlab-ci.yml` (what jobs send and read) and the bootstrap
 * stack of the real `environments/` (what the clouds accept and GitLab stores).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Job, Jobs } from "../../ci/pipeline/model";
import { NOTE_TOKEN_VARIABLE } from "../../ci/pipeline/pipeline";
import { IF } from "../../ci/pipeline/rules";
import { bootstrap } from "../../environments/bootstrap";
import { loadBootstrap } from "../../lib/config/bootstrap";
import type { Cloud } from "../../lib/config/schema";
import { DEPLOY_JOBS, ID_TOKENS, IDENTITY_PURPOSES, jobPurpose, parseAudience } from "../../lib/identity";
import { shippedEnvironments } from "../helpers/environments";
import { all, synthBootstrap } from "./helpers";

const pipeline = parse(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8")) as Jobs;
const config = loadBootstrap(bootstrap, shippedEnvironments());
const json = synthBootstrap(config);
const stored = all(json, "gitlab_project_variable");

/** Every audience the bootstrap stack makes a cloud accept, with the identities (resource addresses) that accept it. */
function acceptedAudiences(cloud: Cloud): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (aud: string, identity: string) => found.set(aud, [...(found.get(aud) ?? []), identity]);
  const resources = (type: string) => Object.entries(json.resource?.[type] ?? {});
  if (cloud === "aws") {
    for (const [id, role] of resources("aws_iam_role")) {
      for (const statement of JSON.parse(role.assume_role_policy as string).Statement) {
        for (const [key, value] of Object.entries(statement.Condition?.StringEquals ?? {})) {
          if (key.endsWith(":aud")) add(value as string, `aws_iam_role.${id}`);
        }
      }
    }
  }
  if (cloud === "azure") {
    for (const [, c] of resources("azuread_application_federated_identity_credential")) {
      for (const aud of c.audiences as string[]) add(aud, String(c.application_id));
    }
    for (const [, c] of resources("azuread_application_flexible_federated_identity_credential")) {
      add(c.audience as string, String(c.application_id));
    }
  }
  if (cloud === "gcp") {
    for (const [, binding] of resources("google_service_account_iam_member")) {
      const aud = /\/attribute\.aud\/(.+)$/.exec(binding.member as string)?.[1];
      if (aud !== undefined) add(aud, String(binding.service_account_id));
    }
  }
  return found;
}

/** The audiences the pool providers (GCP) and OIDC providers (AWS) let in at all. */
function admittedAudiences(cloud: Cloud): string[] {
  if (cloud === "aws") return all(json, "aws_iam_openid_connect_provider").flatMap((p) => p.client_id_list as string[]);
  if (cloud === "gcp") {
    return all(json, "google_iam_workload_identity_pool_provider").flatMap(
      (p) => (p.oidc as { allowed_audiences: string[] }).allowed_audiences,
    );
  }
  return [...acceptedAudiences(cloud).keys()];
}

/** Every job of the pipeline that requests an id_token, with each token's cloud and audience. */
function tokenRequests(): { job: string; cloud: Cloud; aud: string }[] {
  return Object.entries(pipeline).flatMap(([job, definition]) =>
    Object.entries(definition?.id_tokens ?? {}).map(([variable, { aud }]) => ({
      job,
      cloud: cloudOfToken[variable],
      aud,
    })),
  );
}

/** `${NAME:?...}` references in a job's script: the CI/CD variables it requires. */
function requiredVariables(job: Job): string[] {
  return [...(job.script ?? []).join("\n").matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]);
}

const cloudOfToken = Object.fromEntries(
  Object.entries(ID_TOKENS).map(([cloud, spec]) => [spec.variable, cloud as Cloud]),
);
const jobsOf = (env: string) =>
  ["plan", "drift", "deploy"].map((kind) => [`${kind}:${env}`, pipeline[`${kind}:${env}`]] as const);

describe("pipeline and bootstrap agree", () => {
  it("covers every environment of the pipeline", () => {
    const deployed = Object.keys(pipeline)
      .filter((name) => name.startsWith("deploy:"))
      .map((name) => name.slice("deploy:".length));
    expect(config.environments.map((env) => env.config.name)).toEqual(deployed);
  });

  it("sends, in every job, one token per cloud of its environment, each accepted by exactly one identity", () => {
    for (const env of config.environments) {
      for (const [, job] of jobsOf(env.config.name)) {
        expect(job?.id_tokens).toBeDefined();
        const tokens = Object.entries(job?.id_tokens ?? {});
        expect(tokens.map(([variable]) => cloudOfToken[variable]).sort()).toEqual([...env.clouds].sort());
      }
    }
    for (const { job, cloud, aud } of tokenRequests()) {
      expect({ job, cloud, identities: acceptedAudiences(cloud).get(aud)?.length }).toEqual({
        job,
        cloud,
        identities: 1,
      });
      expect({ job, cloud, admitted: admittedAudiences(cloud).includes(aud) }).toEqual({ job, cloud, admitted: true });
    }
  });

  it("requests a deploy audience only in a deploy job of that environment, on the default branch only", () => {
    const requests = tokenRequests();
    expect(requests.length).toBeGreaterThan(0);
    for (const { job, cloud, aud } of requests) {
      const parsed = parseAudience(aud);
      expect({ job, aud, parsed: parsed !== undefined }).toEqual({ job, aud, parsed: true });
      const [kind, environment] = job.split(":");
      expect({ job, audienceOf: `${parsed?.cloud}/${parsed?.environment}` }).toEqual({
        job,
        audienceOf: `${cloud}/${environment}`,
      });
      if (parsed?.purpose !== "deploy") continue;
      const definition = pipeline[job];
      expect({
        job,
        deployJob: DEPLOY_JOBS.includes(kind),
        environment: definition.environment?.name,
        rules: (definition.rules ?? []).map((rule) => rule.if),
      }).toEqual({ job, deployJob: true, environment, rules: [IF.defaultBranch] });
    }
  });

  it("requests a publish audience only in publish:<env>, on the default branch only", () => {
    for (const { job, aud } of tokenRequests()) {
      if (parseAudience(aud)?.purpose !== "publish") continue;
      expect({ job, kind: job.split(":")[0], rules: (pipeline[job].rules ?? []).map((rule) => rule.if) }).toEqual({
        job,
        kind: "publish",
        rules: [IF.defaultBranch],
      });
    }
  });

  /**
   * Issue 26: a protected environment's deploy identity is held only by a
   * deployment of that GitLab environment (action start, what its approval
   * gates) or by an operator's manual job of it (`access`: only its allowed
   * deployers may run it). Anything else (`prepare` runs on every push)
   * would hold it before anyone approves.
   */
  it("requests a protected environment's deploy audience only in jobs its approval or its deployers gate", () => {
    const protectedNames = new Set(config.environments.filter((env) => env.config.protect).map((e) => e.config.name));
    const ungated: string[] = [];
    for (const { job, aud } of tokenRequests()) {
      const parsed = parseAudience(aud);
      if (parsed?.purpose !== "deploy" || !protectedNames.has(parsed.environment)) continue;
      const definition = pipeline[job];
      const action = definition.environment?.action ?? "start";
      const manual = (definition.rules ?? []).every((rule) => rule.when === "manual");
      const gated =
        definition.environment?.name === parsed.environment && (action === "start" || (action === "access" && manual));
      if (!gated) ungated.push(job);
    }
    // None: bootstrap makes the registries, so no job applies them with the deploy identity before approval.
    expect(protectedNames.size).toBeGreaterThan(0);
    expect([...new Set(ungated)].sort()).toEqual([]);
  });

  it("gives no two environments or purposes the same audience, on either side", () => {
    for (const cloud of config.clouds) {
      const requested = new Map<string, Set<string>>();
      for (const { job, aud } of tokenRequests().filter((r) => r.cloud === cloud)) {
        const [kind, environment] = job.split(":");
        const who = `${environment}/${jobPurpose(kind)}`;
        requested.set(aud, new Set([...(requested.get(aud) ?? []), who]));
      }
      for (const [aud, users] of requested) expect({ cloud, aud, users: users.size }).toEqual({ cloud, aud, users: 1 });
      for (const [aud, identities] of acceptedAudiences(cloud)) {
        expect({ cloud, aud, identities: identities.length }).toEqual({ cloud, aud, identities: 1 });
      }
      // Every identity accepts exactly one audience: as many audiences as environments times purposes.
      const envs = config.environments.filter((env) => env.clouds.includes(cloud));
      expect(acceptedAudiences(cloud).size).toBe(envs.length * IDENTITY_PURPOSES.length);
    }
  });

  it("stores every identity variable a job requires, visible to that job", () => {
    for (const env of config.environments) {
      for (const [name, job] of jobsOf(env.config.name)) {
        const required = requiredVariables(job ?? {}).filter((key) => !key.startsWith("CLOUDFLARE_"));
        expect(required.length).toBeGreaterThan(0);
        for (const key of required) {
          const variable = stored.find((v) => v.key === key);
          expect({ job: name, key, stored: variable !== undefined }).toEqual({ job: name, key, stored: true });
          // Plan and drift jobs have no environment: they only see unscoped variables.
          const scopes = job?.environment === undefined ? ["*"] : ["*", job.environment.name];
          expect({ job: name, key, scope: scopes.includes(variable?.environment_scope as string) }).toEqual({
            job: name,
            key,
            scope: true,
          });
          // A protected environment's plan jobs run on the default branch only: its variables are all protected.
          if (!name.startsWith("deploy:"))
            expect({ job: name, key, protected: variable?.protected }).toEqual({
              job: name,
              key,
              protected: env.config.protect,
            });
        }
      }
    }
  });

  it("stores no variable that no job reads", () => {
    const read = new Set(Object.values(pipeline).flatMap((job) => requiredVariables(job ?? {})));
    // Read by ci:note and ci:drift (ci/cli.ts) rather than named in the YAML.
    read.add(NOTE_TOKEN_VARIABLE);
    for (const variable of stored)
      expect({ key: variable.key, read: read.has(variable.key as string) }).toEqual({ key: variable.key, read: true });
  });

  it("protects the deploy variables, which only deploy jobs on the default branch read", () => {
    for (const env of config.environments) {
      const deploy = pipeline[`deploy:${env.config.name}`];
      const planned = new Set(requiredVariables(pipeline[`plan:${env.config.name}`]));
      for (const key of requiredVariables(deploy).filter((k) => !k.startsWith("CLOUDFLARE_") && !planned.has(k))) {
        expect(stored.find((v) => v.key === key)).toMatchObject({
          protected: true,
          environment_scope: env.config.name,
        });
      }
    }
  });

  it("creates the GitLab environments the deploy jobs deploy to, with the same tier", () => {
    const created = all(json, "gitlab_project_environment").map((e) => [e.name, e.tier]);
    const deployed = config.environments.map((env) => {
      const job = pipeline[`deploy:${env.config.name}`];
      return [job.environment?.name, job.environment?.deployment_tier];
    });
    expect(created.sort()).toEqual(deployed.sort());
  });
});
