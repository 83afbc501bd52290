/**
 * Entry point for `npm run synth [-- <stack>...]` and `cdktf synth|diff|deploy`:
 * validates every environment, the company and the bootstrap config, builds
 * one EnvironmentStack each plus the BootstrapStack (or only the stacks
 * named), synthesizes all or nothing, and prints a summary. User errors end in
 * one message and exit 1.
 */

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
  let release: ReleaseFor | undefined;
  try {
    // RELEASE_ID, IMAGE_DIGEST, RELEASE_STEP, RELEASE_STABLE_DIR from the pipeline (docs/releasing.md).
    release = releaseFromEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  process.exitCode = runSynth(environments, {
    outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
    release,
    company,
    // The `bootstrap` stack: GitLab OIDC trust on each cloud, run once by an administrator.
    bootstrap,
    only: args,
    printWarnings: !underCli,
  });
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
