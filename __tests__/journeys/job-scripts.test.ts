/**
 * Runs the generated release jobs' scripts with gitlab-ci-local's shell
 * executor, with recording stubs for everything that needs a network or a
 * daemon (BuildKit, crane, the AWS CLI, curl, apk, tofu) first on PATH, and
 * checks the commands, their order, the digest threaded from build to
 * publish through the dotenv report, and that a failing step stops the job.
 * The publish list comes from synth's own code
 * (synthEnvironments), never written by the test. The whole loop, rollout
 * steps included, is `npm run ci:rehearse` (rehearsal-*.test.ts).
 * gitlab-ci-local copies the work tree with rsync (`apt-get install rsync`).
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { buildPipeline } from "../../ci/pipeline/pipeline";
import { stackDir } from "../../ci/pipeline/terraform";
import { ID_TOKENS, identityVariables } from "../../lib/identity";
import { PUBLISH_LIST, synthEnvironments } from "../../lib/stacks/synth";
import { shippedEnvironments } from "../helpers/environments";
import { sandbox } from "./helpers/gitlab-ci-local";

const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin", "gitlab-ci-local");
const configs = shippedEnvironments();
// A multi-cloud environment with a canary, as a release goes through it.
const env = configs.find((c) => c.clouds.length === 3 && c.canaryPercent > 0) ?? configs[0];
/** The environment's clouds in the order publish.sh copies them. */
const CLOUDS = (["aws", "azure", "gcp"] as const).filter((cloud) => env.clouds.includes(cloud));
const REGISTRY_HOST: Record<(typeof CLOUDS)[number], string> = {
  aws: ".amazonaws.com",
  azure: "azurecr.io",
  gcp: "docker.pkg.dev",
};
const DIGEST = `sha256:${"c".repeat(64)}`;
const REGISTRY = "registry.gitlab.test";
const REPOSITORY = `${REGISTRY}/group/service`;

const STUB = `#!/bin/sh
name="$(basename "$0")"
printf '%s %s\\n' "$name" "$*" >> "$STUB_LOG"
case "$name" in
  buildctl-daemonless.sh)
    while [ "$#" -gt 0 ]; do [ "$1" = "--metadata-file" ] && printf '{"containerimage.digest": "%s"}' "$STUB_DIGEST" > "$2"; shift; done ;;
  crane)
    case "$1" in
      copy) case "$3" in *"\${STUB_FAIL_COPY:-none}"*) echo "crane: copy refused" >&2; exit 1 ;; esac ;;
      digest) printf '%s\\n' "\${STUB_LANDED_DIGEST:-$STUB_DIGEST}" ;;
    esac ;;
  aws) echo ecr-password ;;
  curl) echo '{"access_token":"aad-token","refresh_token":"acr-refresh","accessToken":"gcp-access"}' ;;
  tofu)
    printf 'cwd %s\\n' "$(pwd)" >> "$STUB_LOG"
    [ "$1 $2" = "state list" ] && cat "\${STUB_STATE:-/dev/null}"
    [ "$1" = "\${STUB_FAIL_TOFU:-none}" ] && { echo "tofu: $1 failed" >&2; exit 1; } ;;
esac
exit 0
`;

let dir: string;
let stubs: string;

function hasRsync(): boolean {
  try {
    execFileSync("rsync", ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  if (!hasRsync()) throw new Error("gitlab-ci-local --force-shell-executor needs rsync: apt-get install rsync");
  const { head, jobs } = buildPipeline(configs);
  const job = (name: string) => jobs[name];
  // The generated jobs as they are; publish's synth artifact is the committed publish list below.
  const file = {
    stages: head.stages,
    variables: head.variables,
    ".tf": head.templates[".tf"],
    build: job("build"),
    [`publish:${env.name}`]: { ...job(`publish:${env.name}`), needs: [{ job: "build", artifacts: true }] },
  };
  dir = sandbox({ ".gitlab-ci.yml": stringify(file) });
  cpSync(join(ROOT, "ci", "release"), join(dir, "ci", "release"), { recursive: true });
  // The synth job's code writes the stack and its publish list.
  const release = { id: "release-under-test", digest: DIGEST };
  synthEnvironments([env], { outdir: join(dir, "cdktf.out"), release: () => release });
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync("git", ["-c", "user.email=ci@fixture.test", "-c", "user.name=ci", "commit", "-qm", "scripts"], {
    cwd: dir,
  });
  stubs = join(dir, ".stubs");
  mkdirSync(stubs);
  for (const name of ["buildctl-daemonless.sh", "crane", "aws", "curl", "apk", "tofu"]) {
    writeFileSync(join(stubs, name), STUB);
    chmodSync(join(stubs, name), 0o755);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly output: string;
  /** Recorded stub calls, one per line, in order. */
  readonly calls: string[];
}

/** Runs `job` (and with `needs`, the jobs it needs) in the local shell. */
function runJob(job: string, options: { needs?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  const log = join(dir, `.calls-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, "");
  const deploy = identityVariables(env.name, "deploy");
  // publish:<env> signs in with the environment's publish identity (push to its registries only).
  const publish = identityVariables(env.name, "publish");
  const variables: Record<string, string> = {
    CI_REGISTRY: REGISTRY,
    CI_REGISTRY_USER: "gitlab-ci-token",
    CI_REGISTRY_PASSWORD: "job-token",
    CI_REGISTRY_IMAGE: REPOSITORY,
    CI_JOB_TOKEN: "job-token",
    [deploy.aws.roleArn]: "arn:aws:iam::123456789012:role/deploy",
    [deploy.azure.clientId]: "client",
    [deploy.azure.tenantId]: "tenant",
    [deploy.gcp.workloadIdentityProvider]: "projects/1/locations/global/workloadIdentityPools/p/providers/q",
    [deploy.gcp.serviceAccount]: "deploy@project.iam.gserviceaccount.com",
    [deploy.cloudflare.apiToken]: "cf-token",
    [publish.aws.roleArn]: "arn:aws:iam::123456789012:role/publish",
    [publish.azure.clientId]: "publish-client",
    [publish.gcp.serviceAccount]: "publish@project.iam.gserviceaccount.com",
    // GitLab mints the id_tokens; gitlab-ci-local does not.
    ...Object.fromEntries(Object.entries(ID_TOKENS).map(([cloud, token]) => [token.variable, `jwt-for-${cloud}`])),
  };
  const args = [
    "--force-shell-executor",
    "--no-json-schema-validation",
    "--ignore-predefined-vars",
    "CI_REGISTRY,CI_REGISTRY_IMAGE",
    job,
  ];
  if (options.needs) args.push("--needs");
  for (const [key, value] of Object.entries(variables)) args.push("--variable", `${key}=${value}`);
  const childEnv = {
    PATH: `${stubs}:${process.env.PATH ?? ""}`,
    HOME: dir,
    LANG: "C.UTF-8",
    FORCE_COLOR: "0",
    STUB_LOG: log,
    STUB_DIGEST: DIGEST,
    ...options.env,
  };
  return new Promise((done) => {
    execFile(BIN, args, { cwd: dir, env: childEnv, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      const calls = readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "");
      done({ code, output: stdout + stderr, calls });
    });
  });
}

const sha = () => execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
const published = () =>
  Object.fromEntries(
    readFileSync(join(dir, stackDir(env.name), PUBLISH_LIST), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("=") as [string, string]),
  );

describe("release job scripts (gitlab-ci-local shell executor, stub binaries)", () => {
  it("build then publish: the digest BuildKit reports reaches every cloud registry, in order", async () => {
    const run = await runJob(`publish:${env.name}`, { needs: true });
    expect(run.code).toBe(0);
    const commit = sha();
    const build = run.calls.filter((c) => c.startsWith("buildctl-daemonless.sh"));
    // The service's image, then the publish job's tool image (ci/tools/publish), each pushed by the commit.
    expect(build).toEqual([
      expect.stringContaining(`--output type=image,name=${REPOSITORY}:${commit},push=true`),
      expect.stringContaining(`--local context=ci/tools/publish`),
    ]);
    expect(build[1]).toContain(`--output type=image,name=${REPOSITORY}/publish-tools:${commit},push=true`);
    // Nothing is installed in the job that holds the publish identity.
    expect(run.calls.filter((c) => c.startsWith("apk"))).toEqual([]);
    const targets = published();
    const copies = run.calls.filter((c) => c.startsWith("crane copy"));
    expect(copies).toEqual(
      CLOUDS.map(
        (cloud) =>
          `crane copy ${REPOSITORY}@${DIGEST} ${targets[`PUBLISH_${cloud.toUpperCase()}_IMAGE`].split("@")[0]}:${commit}`,
      ),
    );
    // Logged in to GitLab first, then each cloud right before its copy, each copy checked by digest.
    const order = run.calls.map((c) => c.split(" ").slice(0, 3).join(" "));
    if (CLOUDS.includes("aws")) {
      expect(order.indexOf(`crane auth login`)).toBeLessThan(order.indexOf("aws ecr get-login-password"));
      const awsLogin = run.calls.findIndex((c) => c.startsWith("aws ecr get-login-password --region"));
      expect(awsLogin).toBeLessThan(run.calls.indexOf(copies[0]));
    }
    expect(run.calls.filter((c) => c.startsWith("crane digest"))).toHaveLength(CLOUDS.length);
    // 2 token exchanges each for Azure and GCP.
    const exchanges = 2 * CLOUDS.filter((c) => c !== "aws").length;
    expect(run.calls.filter((c) => c.startsWith("curl"))).toHaveLength(exchanges);
    // The publish identity signs in, never the deploy identity (it would be held before the approval).
    const publishJob = run.output.split("\n").filter((line) => line.startsWith(`publish:${env.name}`));
    expect(publishJob.some((line) => /_PUBLISH:\?/.test(line))).toBe(true);
    expect(publishJob.some((line) => /_DEPLOY:\?/.test(line))).toBe(false);
    const last = CLOUDS[CLOUDS.length - 1];
    expect(run.output).toContain(`Published ${targets[`PUBLISH_${last.toUpperCase()}_IMAGE`]} (${last})`);
  }, 120_000);

  it("a failing copy stops the job before the next cloud", async () => {
    // The second cloud fails when there is one, so the test shows a copy before it and none after.
    const failing = Math.min(1, CLOUDS.length - 1);
    const host = REGISTRY_HOST[CLOUDS[failing]];
    const run = await runJob(`publish:${env.name}`, { needs: true, env: { STUB_FAIL_COPY: host } });
    expect(run.code).not.toBe(0);
    const copies = run.calls.filter((c) => c.startsWith("crane copy"));
    expect(copies).toHaveLength(failing + 1);
    expect(copies[failing]).toContain(host);
    if (CLOUDS.indexOf("gcp") > failing) {
      expect(run.calls.some((c) => c.includes("sts.googleapis.com"))).toBe(false);
    }
  }, 120_000);

  it("a copy that lands with another digest fails the job", async () => {
    const run = await runJob(`publish:${env.name}`, {
      needs: true,
      env: { STUB_LANDED_DIGEST: `sha256:${"d".repeat(64)}` },
    });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`expected ${DIGEST}`);
    expect(run.calls.filter((c) => c.startsWith("crane copy"))).toHaveLength(1);
  }, 120_000);
});
