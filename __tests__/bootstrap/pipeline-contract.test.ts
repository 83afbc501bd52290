/**
 * The two sides of the GitLab OIDC contract, both derived from ci/identity.ts:
 * the committed `.gitlab-ci.yml` (what jobs send and read) and the bootstrap
 * stack of the real `environments/` (what the clouds accept and GitLab stores).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ID_TOKENS } from "../../ci/identity";
import { bootstrap } from "../../environments/bootstrap";
import { loadBootstrap } from "../../lib/config/bootstrap";
import type { Cloud } from "../../lib/config/schema";
import { shippedEnvironments } from "../helpers/environments";
import { all, synthBootstrap } from "./helpers";

type Job = {
  id_tokens?: Record<string, { aud: string }>;
  environment?: { name: string; deployment_tier: string };
  script?: string[];
  rules?: { if?: string }[];
};

const pipeline = parse(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8")) as Record<string, Job>;
const config = loadBootstrap(bootstrap, shippedEnvironments());
const json = synthBootstrap(config);
const stored = all(json, "gitlab_project_variable");

/** Every audience the bootstrap stack makes a cloud accept. */
function acceptedAudiences(cloud: Cloud): string[] {
  const audiences: string[] = [];
  if (cloud === "aws") {
    for (const p of all(json, "aws_iam_openid_connect_provider")) audiences.push(...(p.client_id_list as string[]));
  }
  if (cloud === "azure") {
    for (const c of all(json, "azuread_application_federated_identity_credential")) {
      audiences.push(...(c.audiences as string[]));
    }
    for (const c of all(json, "azuread_application_flexible_federated_identity_credential")) {
      audiences.push(c.audience as string);
    }
  }
  if (cloud === "gcp") {
    for (const p of all(json, "google_iam_workload_identity_pool_provider")) {
      audiences.push(...(p.oidc as { allowed_audiences: string[] }).allowed_audiences);
    }
  }
  return [...new Set(audiences)];
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

  it("sends, in every job, exactly the audience each cloud's trust accepts", () => {
    for (const env of config.environments) {
      for (const [name, job] of jobsOf(env.config.name)) {
        expect(job?.id_tokens).toBeDefined();
        const tokens = Object.entries(job?.id_tokens ?? {});
        expect(tokens.map(([variable]) => cloudOfToken[variable]).sort()).toEqual([...env.clouds].sort());
        for (const [variable, { aud }] of tokens) {
          const cloud = cloudOfToken[variable];
          expect({ job: name, cloud, accepted: acceptedAudiences(cloud) }).toEqual({
            job: name,
            cloud,
            accepted: [aud],
          });
        }
      }
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
          // Plan and drift jobs have no environment and run on any branch: they only see unprotected, unscoped variables.
          const scopes = job?.environment === undefined ? ["*"] : ["*", job.environment.name];
          expect({ job: name, key, scope: scopes.includes(variable?.environment_scope as string) }).toEqual({
            job: name,
            key,
            scope: true,
          });
          if (!name.startsWith("deploy:"))
            expect({ job: name, key, protected: variable?.protected }).toEqual({ job: name, key, protected: false });
        }
      }
    }
  });

  it("stores no variable that no job reads", () => {
    const read = new Set(Object.values(pipeline).flatMap((job) => requiredVariables(job ?? {})));
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
