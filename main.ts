/**
 * Entry point for `npm run synth [-- <stack>...]` and `cdktf synth|diff|deploy`:
 * validates every environment, the company and the bootstrap config, builds
 * one EnvironmentStack each plus the BootstrapStack (or only the stacks
 * named), synthesizes all or nothing, and prints a summary. User errors end in
 * one message and exit 1.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { company, environments } from "./environments";
import { bootstrap } from "./environments/bootstrap";
import { ConfigError } from "./lib/config/errors";
import { loadConfiguration } from "./lib/config/load";
import { type ReleaseFor, releaseFromEnvironment } from "./lib/stacks/release-input";
import { runSynth } from "./lib/stacks/synth";
import { deployHint, findInvocation } from "./tools/deploy-hint";
import { realProbe } from "./tools/doctor";

const USAGE = `Usage: npm run synth [-- <stack>...]

Validates environments/ (company.ts, every environment, bootstrap.ts) and
writes cdktf.out/stacks/<stack>/cdk.tf.json for every environment and the
bootstrap stack, or only for the stacks named (e.g. \`npm run synth -- staging\`).
Nothing is written when a check fails.

  RELEASE_ID, IMAGE_DIGEST, RELEASE_STEP, RELEASE_STABLE_DIR
                    the release the pipeline deploys (docs/releasing.md)
  RELEASE_EXTRA_STEPS
                    more rollout steps of the same release (e.g. "promote rollback"),
                    each written to <outdir>/steps/<step>/stacks/<stack> by the same process
  --help, -h        show this help

Exit status: 0 written; 1 invalid configuration, policy error or unknown stack.`;

const args = process.argv.slice(2);
// The cdktf CLI passes its output folder, and prints warning annotations itself.
const underCli = process.env.CDKTF_OUTDIR !== undefined;
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
} else if (args.some((arg) => arg.startsWith("-"))) {
  console.error(`Unknown option ${args.find((arg) => arg.startsWith("-"))}.\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  // The main step first: it replaces outdir whole, then each extra step goes in below it.
  const extra = (process.env.RELEASE_EXTRA_STEPS ?? "").split(/[\s,]+/).filter((step) => step !== "");
  const runs = [
    { env: process.env, outdir },
    ...extra.map((step) => ({ env: { ...process.env, RELEASE_STEP: step }, outdir: join(outdir, "steps", step) })),
  ];
  const releases: ReleaseFor[] = [];
  try {
    // RELEASE_ID, IMAGE_DIGEST, RELEASE_STEP, RELEASE_STABLE_DIR from the pipeline (docs/releasing.md).
    for (const run of runs) releases.push(releaseFromEnvironment(run.env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  process.exitCode = 0;
  for (const [i, run] of runs.entries()) {
    // cdktf's App creates its output folder with a non-recursive mkdir: the steps' parent must exist.
    if (i === 1) mkdirSync(join(outdir, "steps"), { recursive: true });
    process.exitCode = runSynth(environments, {
      outdir: run.outdir,
      release: releases[i],
      company,
      // The `bootstrap` stack: GitLab OIDC trust on each cloud, run once by an administrator.
      bootstrap,
      only: args,
      // The steps have the same findings: print them once.
      printWarnings: !underCli && i === 0,
    });
    if (process.exitCode !== 0) break;
  }
  if (underCli && process.exitCode === 0) {
    // `cdktf deploy|diff <env>`: what Terraform will miss here (state token, credentials, binary), before it fails.
    const hint = deployHint(
      findInvocation(process.ppid),
      loadConfiguration(environments, company, bootstrap).configs,
      realProbe(process.cwd()),
    );
    if (hint !== undefined) console.log(hint);
  }
}
