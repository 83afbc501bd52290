/**
 * Entry point for `npm run synth [-- <stack>...]` and `cdktf synth|diff|deploy`:
 * validates every environment, the company and the bootstrap config, builds
 * one EnvironmentStack each plus the BootstrapStack (or only the stacks
 * named), synthesizes all or nothing, and prints a summary. User errors end in
 * one message and exit 1.
 */

import { company, environments } from "./environments";
import { bootstrap } from "./environments/bootstrap";
import { runSynth } from "./lib/stacks/synth";

const USAGE = `Usage: npm run synth [-- <stack>...]

Validates environments/ (company.ts, every environment, bootstrap.ts) and
writes cdktf.out/stacks/<stack>/cdk.tf.json for every environment and the
bootstrap stack, or only for the stacks named (e.g. \`npm run synth -- staging\`).
Nothing is written when a check fails.

  CONTAINER_IMAGE   image to deploy instead of the configured one (CI sets it)
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
  const image = process.env.CONTAINER_IMAGE;
  process.exitCode = runSynth(environments, {
    outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
    image: image === undefined || image === "" ? undefined : image,
    company,
    // The `bootstrap` stack: GitLab OIDC trust on each cloud, run once by an administrator.
    bootstrap,
    only: args,
    printWarnings: !underCli,
  });
}
