/**
 * Entry point for `npm run synth [-- <stack>...]` and `cdktf synth|diff|deploy`:
 * validates every environment, the company and the bootstrap config, builds
 * one EnvironmentStack each plus the BootstrapStack (or only the stacks
 * named), synthesizes all or nothing, and prints a summary. User errors end in
 * one message and exit 1; bad usage in exit 2 (tools/command.ts).
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { company, environments } from "./environments";
import { bootstrap } from "./environments/bootstrap";
import { ConfigError } from "./lib/config/errors";
import { loadConfiguration } from "./lib/config/load";
import { type ReleaseFor, releaseFromEnvironment } from "./lib/stacks/release-input";
import { runSynth } from "./lib/stacks/synth";
import { command, main } from "./tools/command";
import { deployHint, findInvocation } from "./tools/deploy-hint";
import { realProbe } from "./tools/doctor";

export const synthCommand = command({
  name: "synth",
  summary: "Validate environments/ and synthesize every stack",
  usage: "[<stack>...]",
  description: `Validates environments/ (company.ts, every environment, bootstrap.ts) and
writes cdktf.out/stacks/<stack>/cdk.tf.json for every environment and the
bootstrap stack, or only for the stacks named (e.g. \`npm run synth -- staging\`).
Nothing is written when a check fails.`,
  options: {},
  positionals: { max: Number.POSITIVE_INFINITY },
  notes: `  RELEASE_ID, IMAGE_DIGEST, RELEASE_STEP, RELEASE_STABLE_DIR
                    the release the pipeline deploys (docs/releasing.md)
  RELEASE_EXTRA_STEPS
                    more rollout steps of the same release (e.g. "promote rollback"),
                    each written to <outdir>/steps/<step>/stacks/<stack> by the same process

Exit status: 0 written; 1 invalid configuration, policy error or unknown stack; 2 bad usage.`,
  run({ positionals: args }, io) {
    // The cdktf CLI passes its output folder, and prints warning annotations itself.
    const underCli = io.env.CDKTF_OUTDIR !== undefined;
    const outdir = io.env.CDKTF_OUTDIR ?? "cdktf.out";
    // The main step first: it replaces outdir whole, then each extra step goes in below it.
    const extra = (io.env.RELEASE_EXTRA_STEPS ?? "").split(/[\s,]+/).filter((step) => step !== "");
    const runs = [
      { env: io.env, outdir },
      ...extra.map((step) => ({ env: { ...io.env, RELEASE_STEP: step }, outdir: join(outdir, "steps", step) })),
    ];
    const releases: ReleaseFor[] = [];
    try {
      // RELEASE_ID, IMAGE_DIGEST, RELEASE_STEP, RELEASE_STABLE_DIR from the pipeline (docs/releasing.md).
      for (const run of runs) releases.push(releaseFromEnvironment(run.env));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.err(error.message);
      return 1;
    }
    let code = 0;
    for (const [i, run] of runs.entries()) {
      // cdktf's App creates its output folder with a non-recursive mkdir: the steps' parent must exist.
      if (i === 1) mkdirSync(join(outdir, "steps"), { recursive: true });
      code = runSynth(
        environments,
        {
          outdir: run.outdir,
          release: releases[i],
          company,
          // The `bootstrap` stack: GitLab OIDC trust on each cloud, run once by an administrator.
          bootstrap,
          only: [...args],
          // The steps have the same findings: print them once.
          printWarnings: !underCli && i === 0,
        },
        { log: io.out, error: io.err },
      );
      if (code !== 0) break;
    }
    if (underCli && code === 0) {
      // `cdktf deploy|diff <env>`: what Terraform will miss here (state token, credentials, binary), before it fails.
      const hint = deployHint(
        findInvocation(process.ppid),
        loadConfiguration(environments, company, bootstrap).configs,
        realProbe(io.cwd),
      );
      if (hint !== undefined) io.out(hint);
    }
    return code;
  },
});

if (require.main === module) main(synthCommand);
