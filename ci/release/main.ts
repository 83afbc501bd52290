/**
 * `npm run release:verify` and `npm run release:stable`: the Node steps of
 * a release that CI runs and an operator can run with the same arguments
 * (docs/releasing.md). Bad usage (an unknown environment, a missing argument
 * or token): the message and the usage line, exit 2. A failed verification:
 * the table, exit 1; state that cannot be read: one line, exit 1.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { company, environments } from "../../environments";
import { loadConfiguration } from "../../lib/config/load";
import { type EnvironmentConfig, ORIGINS, type OriginId } from "../../lib/config/schema";
import { edgeDatasetName, failureRateSql } from "../../lib/edge/signal";
import { objectivesFor } from "../../lib/monitoring/objectives";
import { edgeWeights } from "../../lib/release";
import { ORIGIN_SECRET, SERVICE, serviceSpecFor } from "../../lib/service";
import { EDGE_SPLIT_ORIGINS } from "../../lib/stacks/clouds";
import {
  type Args,
  booleanOption,
  command,
  type Io,
  listOption,
  main,
  type Program,
  stringOption,
  UsageError,
} from "../../tools/command";
import { CLOUDFLARE_API, querySignal } from "../signal/query";
import { analyzeCanary, formatCanaryTable } from "./canary";
import { type Outputs, OutputsError, outputsFromGitLab, readOutputs } from "./outputs";
import { formatTable, type VerifyTarget, verifyAll } from "./verify";

function seconds(value: string | undefined, fallback: number, flag: string, zero = false): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zero))
    throw new UsageError(`${flag} must be a ${zero ? "" : "positive "}number of seconds, not "${value}"`);
  return n * 1000;
}

const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);

function knownEnvironment(name: string | undefined): string {
  return environmentConfig(name).name;
}

function environmentConfig(name: string | undefined): EnvironmentConfig {
  if (name === undefined) throw new UsageError("--env <name> is required");
  const configs = loadConfiguration(environments, company).configs;
  const config = configs.find((env) => env.name === name);
  if (config === undefined) {
    throw new UsageError(`unknown environment "${name}"; known: ${configs.map((env) => env.name).join(", ")}`);
  }
  return config;
}

/** The edge and every origin the outputs name, origins with the secret header. */
export function verifyTargets(outputs: Outputs, environment: string): VerifyTarget[] {
  const origins = outputs.origins?.value as Record<string, string> | undefined;
  const edge = outputs.edge_url?.value;
  const secret = outputs.origin_secret?.value;
  if (typeof edge !== "string" || origins === undefined || typeof secret !== "string") {
    throw new OutputsError(
      `the state of ${environment} has no edge_url, origins and origin_secret outputs; deploy it first`,
    );
  }
  const ids = Object.keys(origins).sort((a, b) => ORIGINS.indexOf(a as never) - ORIGINS.indexOf(b as never));
  return [
    { name: "edge", url: edge },
    ...ids.map((id) => ({ name: id, url: origins[id], headers: { [ORIGIN_SECRET.header]: secret } })),
  ];
}

const VERIFY_OPTIONS = {
  env: stringOption("<name>", "environment (its state holds the endpoints and the origin secret)"),
  release: stringOption("<id>", "expected release id (default $RELEASE_ID)"),
  digest: stringOption("<sha256:...>", "expected image digest (default $IMAGE_DIGEST; optional)"),
  outputs: stringOption(
    "<file>",
    "`tofu output -json` saved to a file (default: read GitLab-managed state\nwith CI_API_V4_URL, CI_PROJECT_ID, CI_JOB_TOKEN)",
  ),
  timeout: stringOption("<seconds>", "bounded wait for all targets (default $RELEASE_VERIFY_TIMEOUT, else 300)"),
  interval: stringOption(
    "<seconds>",
    "pause between attempts on one target (default $RELEASE_VERIFY_INTERVAL, else 5)",
  ),
  "request-timeout": stringOption("<s>", "limit of one request (default 10)"),
  bake: stringOption("<seconds>", "canary bake time (default $RELEASE_CANARY_BAKE, else canaryAnalysis.bakeSeconds)"),
  "analysis-wait": stringOption(
    "<s>",
    "read again up to this long while samples are short\n(default $RELEASE_CANARY_WAIT, else canaryAnalysis.waitSeconds)",
  ),
  "analysis-interval": stringOption("<s>", "pause between readings (default $RELEASE_CANARY_INTERVAL, else 30)"),
  "no-analysis": booleanOption("probes only (a laptop without an Analytics token)"),
} as const;

async function verify({ values }: Args<typeof VERIFY_OPTIONS>, io: Io): Promise<number> {
  const env = io.env;
  const config = environmentConfig(values.env);
  const environment = config.name;
  const id = values.release ?? env.RELEASE_ID;
  if (id === undefined || id === "") throw new UsageError("--release <id> (or RELEASE_ID) is required");
  const digest = values.digest ?? (env.IMAGE_DIGEST === "" ? undefined : env.IMAGE_DIGEST);
  const options = {
    healthPath: SERVICE.healthPath,
    timeoutMs: seconds(values.timeout ?? nonEmpty(env.RELEASE_VERIFY_TIMEOUT), 300, "--timeout"),
    intervalMs: seconds(values.interval ?? nonEmpty(env.RELEASE_VERIFY_INTERVAL), 5, "--interval"),
    requestTimeoutMs: seconds(values["request-timeout"], 10, "--request-timeout"),
  };
  const outputs = await readOutputs(values.outputs, environment, env);
  if (outputs === undefined) throw new OutputsError(`${environment} has no state yet; deploy it first`);
  const targets = verifyTargets(outputs, environment);
  io.out(
    `Verifying release ${id}${digest === undefined ? "" : ` (${digest})`} on ${environment}: ${targets.length} targets, up to ${options.timeoutMs / 1000} s`,
  );
  const results = await verifyAll(targets, { id, digest }, options);
  io.out(formatTable(results));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    io.err(
      `verify: ${failed.length} of ${results.length} targets do not serve release ${id}: ${failed.map((r) => r.name).join(", ")}`,
    );
    return 1;
  }
  io.out(`All ${results.length} targets serve release ${id}.`);
  if (config.canaryPercent === 0 || values["no-analysis"] === true) {
    io.out(
      config.canaryPercent === 0
        ? `${environment} has no canary (canaryPercent 0): no canary analysis.`
        : "No canary analysis (--no-analysis).",
    );
    return 0;
  }
  const analysis = config.canaryAnalysis;
  const token = nonEmpty(env.CLOUDFLARE_API_TOKEN);
  if (token === undefined) {
    throw new UsageError("the canary analysis reads Cloudflare Analytics: set CLOUDFLARE_API_TOKEN (or --no-analysis)");
  }
  const objectives = objectivesFor(config);
  const criteria = {
    maxFailureRate: objectives.errorRatePercent / 100,
    maxP99Ms: objectives.latencyP99Ms,
    minSamples: analysis.minSamples,
  };
  const bakeMs = seconds(values.bake ?? nonEmpty(env.RELEASE_CANARY_BAKE), analysis.bakeSeconds, "--bake", true);
  const waitMs = seconds(
    values["analysis-wait"] ?? nonEmpty(env.RELEASE_CANARY_WAIT),
    analysis.waitSeconds,
    "--analysis-wait",
    true,
  );
  const intervalMs = seconds(
    values["analysis-interval"] ?? nonEmpty(env.RELEASE_CANARY_INTERVAL),
    30,
    "--analysis-interval",
  );
  const sql = failureRateSql({
    dataset: edgeDatasetName(serviceSpecFor(config).name, environment),
    // From well before this job started (the deploy) to its end; only this release's canary step is counted.
    minutes: Math.min(1440, Math.ceil((bakeMs + waitMs) / 60_000) + 60),
    release: id,
    step: "canary",
  });
  const target = {
    api: nonEmpty(env.CLOUDFLARE_API_URL) ?? CLOUDFLARE_API,
    accountId: config.cloudflare.accountId,
    token,
  };
  let verdict: Awaited<ReturnType<typeof analyzeCanary>>;
  try {
    verdict = await analyzeCanary({
      criteria,
      expected: routedOrigins(config, outputs, id, targets),
      read: () => querySignal(sql, target),
      bakeMs,
      waitMs,
      intervalMs,
      log: io.out,
    });
  } catch (error) {
    io.err(`verify: cannot read the edge's signal for release ${id}: ${(error as Error).message}`);
    return 1;
  }
  io.out(
    `Canary analysis of release ${id} on ${environment} (edge signal, canary step, ${verdict.readings} reading(s)):`,
  );
  io.out(formatCanaryTable(verdict, criteria));
  if (verdict.decision !== "pass") {
    io.err(`verify: canary of release ${id} on ${environment} failed: ${verdict.summary}`);
    return 1;
  }
  io.out(`Canary of release ${id} passed: ${verdict.summary}.`);
  return 0;
}

/**
 * The origins the edge routes new clients to during this canary (weight above 0), of those the state
 * names: each must show enough samples. A stable release in state means the canary split weights.
 */
function routedOrigins(config: EnvironmentConfig, outputs: Outputs, id: string, targets: VerifyTarget[]): string[] {
  const stable = (outputs.release?.value as { id?: unknown } | undefined)?.id;
  const hasStable = typeof stable === "string" && stable !== id;
  const weights = edgeWeights(
    config,
    { id, step: "canary", ...(hasStable ? { stable: { id: stable } } : {}) },
    EDGE_SPLIT_ORIGINS,
  );
  return targets.map((t) => t.name).filter((name) => name !== "edge" && (weights[name as OriginId] ?? 0) > 0);
}

const STABLE_OPTIONS = {
  out: stringOption("<dir>", "folder to write (created)"),
  env: listOption("<name>", "only this environment (repeatable; default all)"),
} as const;

async function stable({ values }: Args<typeof STABLE_OPTIONS>, io: Io): Promise<number> {
  const env = io.env;
  const outDir = values.out;
  if (outDir === undefined) throw new UsageError("--out <dir> is required");
  const configs = loadConfiguration(environments, company).configs;
  const names = values.env?.map((name) => knownEnvironment(name)) ?? configs.map((e) => e.name);
  const mergeRequest = env.CI_PIPELINE_SOURCE === "merge_request_event";
  const { CI_API_V4_URL: apiUrl, CI_PROJECT_ID: projectId, CI_JOB_TOKEN: jobToken } = env;
  if (apiUrl === undefined || projectId === undefined || jobToken === undefined) {
    throw new UsageError("stable reads GitLab-managed state: set CI_API_V4_URL, CI_PROJECT_ID and CI_JOB_TOKEN");
  }
  mkdirSync(outDir, { recursive: true });
  const defaultBranch =
    !mergeRequest && env.CI_COMMIT_BRANCH !== undefined && env.CI_COMMIT_BRANCH === env.CI_DEFAULT_BRANCH;
  for (const name of names) {
    const config = configs.find((c) => c.name === name);
    if (config !== undefined && config.backend.type !== "http" && config.backend.type !== "local") {
      const recorded = [`${name}.json`, `${name}.none`].some((file) => existsSync(join(outDir, file)));
      if (defaultBranch && config.backend.type === "cloud" && !recorded) {
        throw new OutputsError(
          `${name}: its state is in its own cloud and stable:${name} left no record in ${outDir} (${name}.json or ${name}.none); synth would deploy without the stable release`,
        );
      }
      io.out(
        `${name}: state in its own cloud, not read here (${recorded ? `stable:${name} recorded it` : "no stable release in this pipeline"})`,
      );
      continue;
    }
    const outputs = await outputsFromGitLab({ apiUrl, projectId, stateName: name, jobToken });
    const release = outputs?.release?.value;
    if (release === undefined) {
      io.out(`${name}: no release in state yet (first deploy: the new release takes all traffic)`);
      continue;
    }
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(release, null, 2)}\n`);
    io.out(`${name}: stable release ${(release as { id?: string }).id ?? "?"}`);
  }
  return 0;
}

export const RELEASE: Program = {
  name: "release",
  invocation: (name) => `npm run release:${name} --`,
  usage: "Usage: node bin/run.cjs ci/release/main.ts <command> [options]   (npm run release:verify, release:stable)",
  commands: [
    command({
      name: "verify",
      summary: "Check the edge and every origin answer healthy with the expected release",
      usage: "--env <name> [--release <id>] [--digest <sha256:...>] [--outputs <file>] [options]",
      description: `Checks the edge and every origin answer healthy with the expected release.
Then, where the environment has a canary (canaryPercent > 0), the canary analysis: waits the
bake time, reads the edge's signal for this release's canary only (CLOUDFLARE_API_TOKEN with
Account Analytics Read) and fails unless every origin is within the environment's objectives.
Analytics SQL API base: $CLOUDFLARE_API_URL, else https://api.cloudflare.com/client/v4.`,
      options: VERIFY_OPTIONS,
      notes:
        "Exit status: 0 every target serves the release (and the canary passed); 1 a target or the canary failed,\nor the state cannot be read; 2 bad usage.",
      run: verify,
    }),
    command({
      name: "stable",
      summary: "Write <out>/<env>.json: the `release` output of each environment's last apply",
      usage: "--out <dir> [--env <name>]...",
      description: `Writes <out>/<env>.json: the \`release\` output of each environment's last apply (what synth
reads through RELEASE_STABLE_DIR); no file for an environment without state yet. Only
GitLab-managed state is read here: an environment whose state is in its own cloud
(backend cloud, every protected one) gets its file from stable:<env>, a job with its plan
identity on the default branch; on the default branch its record must be in <out>
already (<env>.json or <env>.none), else this fails. Merge-request pipelines never read
such state: their synth deploys no stable release for it, and no merge request plans it.`,
      options: STABLE_OPTIONS,
      run: stable,
    }),
  ],
};

if (require.main === module) main(RELEASE);
