/**
 * Entry point for `npm run synth` and `cdktf synth|diff|deploy`: validates
 * every environment and the bootstrap config, builds one EnvironmentStack
 * each plus the BootstrapStack, synthesizes all or nothing, and prints a
 * summary. User errors end in one message and exit 1.
 */

import { company, environments } from "./environments";
import { bootstrap } from "./environments/bootstrap";
import { runSynth } from "./lib/stacks/synth";

const image = process.env.CONTAINER_IMAGE;
process.exitCode = runSynth(environments, {
  // The cdktf CLI passes its output folder; `npm run synth` uses cdktf's default.
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  image: image === undefined || image === "" ? undefined : image,
  company,
  // The `bootstrap` stack: GitLab OIDC trust on each cloud, run once by an administrator.
  bootstrap,
});
