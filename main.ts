/**
 * Entry point for `npm run synth` and `cdktf synth|diff|deploy`: validates
 * every environment, builds one EnvironmentStack each, synthesizes all or
 * nothing, and prints a summary. User errors end in one message and exit 1.
 */

import { environments } from "./environments";
import { runSynth } from "./lib/stacks/synth";

const image = process.env.CONTAINER_IMAGE;
process.exitCode = runSynth(environments, {
  // The cdktf CLI passes its output folder; `npm run synth` uses cdktf's default.
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  image: image === undefined || image === "" ? undefined : image,
});
