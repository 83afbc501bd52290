/**
 * The trust of the shipped configuration (environments/ and
 * environments/bootstrap.ts), evaluated on every cloud against realistic
 * id_tokens: the claims GitLab puts in the token of a job of the committed
 * `.gitlab-ci.yml`, in the pipeline it runs in. Only the deploy job of a
 * protected environment, on the default branch, may deploy it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { bootstrap } from "../../environments/bootstrap";
import { awsRoleName } from "../../lib/bootstrap/aws";
import { gcpServiceAccountId } from "../../lib/bootstrap/gcp";
import { type BootstrapEnvironment, loadBootstrap } from "../../lib/config/bootstrap";
import type { Cloud } from "../../lib/config/schema";
import { ID_TOKENS, IDENTITY_PURPOSES, type IdentityPurpose } from "../../lib/identity";
import { shippedEnvironments } from "../helpers/environments";
import { all, awsRoleAccepts, azureCanSignIn, type Claims, gcpCanImpersonate, synthBootstrap } from "./helpers";

type Job = {
  id_tokens?: Record<string, { aud: string }>;
  environment?: { name: string; deployment_tier: string };
};

const pipeline = parse(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8")) as Record<string, Job>;
const config = loadBootstrap(bootstrap, shippedEnvironments());
const json = synthBootstrap(config);
const { host, projectPath, projectId, defaultBranch } = config.gitlab;

// The environment under attack: a protected one (the shipped config protects its production), and another one.
const target = config.environments.find((env) => env.config.protect) ?? config.environments.at(-1);
const other = config.environments.find((env) => env !== target);

/** Where a pipeline runs: the ref and project GitLab writes into every token of it. */
interface Pipeline {
  readonly ref_type: "branch" | "tag";
  readonly ref: string;
  readonly ref_protected: "true" | "false";
  readonly project_path: string;
  readonly project_id: string;
}

const onDefaultBranch: Pipeline = {
  ref_type: "branch",
  ref: defaultBranch,
  ref_protected: "true",
  project_path: projectPath,
  project_id: String(projectId),
};

/** The token GitLab mints for `cloud` in job `name` (as the YAML declares it) running in `where`. */
function jobToken(name: string, cloud: Cloud, where: Pipeline): Claims {
  const job = pipeline[name];
  if (job === undefined) throw new Error(`no job ${name} in .gitlab-ci.yml`);
  const aud = job.id_tokens?.[ID_TOKENS[cloud].variable]?.aud;
  if (aud === undefined) throw new Error(`${name} requests no ${cloud} token`);
  const environment = job.environment;
  return {
    aud,
    ...where,
    job_id: "4711",
    ...(environment === undefined
      ? {}
      : {
          environment: environment.name,
          deployment_tier: environment.deployment_tier,
          environment_protected: config.gitlab.protectedEnvironments ? "true" : "false",
        }),
  };
}

/** Whether `claims` get the identity of `env` and `purpose` on `cloud`. */
function accepted(cloud: Cloud, env: BootstrapEnvironment, purpose: IdentityPurpose, claims: Claims): boolean {
  const name = env.config.name;
  if (cloud === "aws") return awsRoleAccepts(json, host, awsRoleName(config.company.service, name, purpose), claims);
  if (cloud === "azure") {
    const application = all(json, "azuread_application").find(
      (a) =>
        (a.tags as string[]).includes(`environment:${name}`) && (a.tags as string[]).includes(`purpose:${purpose}`),
    );
    if (application === undefined) throw new Error(`no Azure application for ${name}/${purpose}`);
    return azureCanSignIn(json, host, application.display_name as string, claims);
  }
  const project = env.config.gcp?.project as string;
  return gcpCanImpersonate(json, host, gcpServiceAccountId(name, purpose), project, claims);
}

/** The seven tokens of the threat model, for one cloud, by what they stand for. */
function scenarios(cloud: Cloud): Record<string, Claims[]> {
  if (target === undefined || other === undefined) throw new Error("the shipped config needs two environments");
  const t = target.config.name;
  const deploy = jobToken(`deploy:${t}`, cloud, onDefaultBranch);
  const branch: Pipeline = { ...onDefaultBranch, ref: "feature/take-over", ref_protected: "false" };
  return {
    [`deploy:${t} on the default branch`]: [deploy],
    [`plan:${t} on the default branch`]: [jobToken(`plan:${t}`, cloud, onDefaultBranch)],
    [`drift:${t} (schedule)`]: [jobToken(`drift:${t}`, cloud, onDefaultBranch)],
    [`deploy:${other.config.name}'s token presented to ${t}`]: [
      jobToken(`deploy:${other.config.name}`, cloud, onDefaultBranch),
    ],
    // A Developer's branch may rewrite its .gitlab-ci.yml: it asks for every token the real jobs of the target ask for.
    "a merge-request pipeline": [
      jobToken(`deploy:${t}`, cloud, branch),
      jobToken(`plan:${t}`, cloud, branch),
      jobToken(`drift:${t}`, cloud, branch),
    ],
    "a tag pipeline": [jobToken(`deploy:${t}`, cloud, { ...onDefaultBranch, ref_type: "tag", ref: "v1.0.0" })],
    // A fork, or any project of the same GitLab: same jobs, same branch, its own path and id. (A new project
    // reusing this path after a rename has another id: only GCP can tell, see gcp.test.ts and docs/bootstrap.md.)
    "another project": [
      jobToken(`deploy:${t}`, cloud, { ...onDefaultBranch, project_path: `${projectPath}-fork`, project_id: "1" }),
      jobToken(`deploy:${t}`, cloud, {
        ...onDefaultBranch,
        project_path: `${projectPath.split("/")[0]}-evil/${projectPath.split("/").slice(1).join("/")}`,
        project_id: String(projectId + 1),
      }),
    ],
  };
}

const clouds = (target?.clouds ?? []) as Cloud[];

describe("the trust of a protected environment, against the tokens of the threat model", () => {
  it("is a protected environment on every cloud, next to another environment", () => {
    expect(target?.config.protect).toBe(true);
    expect(other).toBeDefined();
    expect([...clouds].sort()).toEqual([...(config.clouds as Cloud[])].sort());
  });

  /** Which tokens of each scenario `purpose`'s identity of the target accepts, against which should (by scenario index). */
  function verdicts(cloud: Cloud, purpose: IdentityPurpose, acceptedScenarios: readonly number[]) {
    const all = Object.entries(scenarios(cloud));
    return {
      got: all.map(([scenario, tokens]) => [
        scenario,
        tokens.map((claims) => accepted(cloud, target as BootstrapEnvironment, purpose, claims)),
      ]),
      expected: all.map(([scenario, tokens], index) => [scenario, tokens.map(() => acceptedScenarios.includes(index))]),
    };
  }

  it.each(clouds)("lets only its deploy job on the default branch deploy it on %s", (cloud) => {
    const { got, expected } = verdicts(cloud, "deploy", [0]);
    expect(got).toEqual(expected);
  });

  it.each(clouds)("lets only the default branch's plan and drift jobs plan it on %s", (cloud) => {
    const { got, expected } = verdicts(cloud, "plan", [1, 2]);
    expect(got).toEqual(expected);
  });
});

describe("every identity of the shipped configuration", () => {
  it("accepts the tokens of exactly one environment and purpose", () => {
    for (const cloud of config.clouds as Cloud[]) {
      const envs = config.environments.filter((env) => env.clouds.includes(cloud));
      for (const env of envs) {
        for (const purpose of IDENTITY_PURPOSES) {
          const job = `${purpose}:${env.config.name}`;
          const token = jobToken(job, cloud, onDefaultBranch);
          const fits = envs.flatMap((candidate) =>
            IDENTITY_PURPOSES.filter((p) => accepted(cloud, candidate, p, token)).map(
              (p) => `${p}:${candidate.config.name}`,
            ),
          );
          expect({ cloud, job, fits }).toEqual({ cloud, job, fits: [job] });
        }
      }
    }
  });
});
