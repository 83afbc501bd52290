/**
 * Entry point for `npm run synth` and `cdktf synth|diff|deploy`: validates
 * every environment and the bootstrap config, builds one EnvironmentStack
 * each plus the BootstrapStack, synthesizes all or nothing, and prints a
 * summary. User errors end in one message and exit 1.
 */

import { company, environments } from "./environments";
import { bootstrap } from "./environments/bootstrap";
import { ConfigError } from "./lib/config/errors";
import { type ReleaseFor, releaseFromEnvironment } from "./lib/stacks/release-input";
import { runSynth } from "./lib/stacks/synth";

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
  // The cdktf CLI passes its output folder; `npm run synth` uses cdktf's default.
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  release,
  company,
  // The `bootstrap` stack: GitLab OIDC trust on each cloud, run once by an administrator.
  bootstrap,
});
