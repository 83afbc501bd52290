/**
 * `node bin/run.cjs bench/generated-environments.ts <count>`: synthesizes
 * <count> generated environments (copies of the first environment in
 * environments/index.ts, named env-01...) through the same runSynth path as
 * `npm run synth`, to see how synth cost grows. It takes whichever
 * environments the repository (or a fork) ships, so it never names one.
 */
import { company, environments } from "../environments";
import { generatedEnvironmentFiles } from "../lib/config/generated";
import { runSynth } from "../lib/stacks/synth";

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1 || count > 500) {
  console.error("usage: node bin/run.cjs bench/generated-environments.ts <count 1-500>");
  process.exit(1);
}
const template = Object.values(environments)[0];
if (template === undefined) {
  console.error("bench: environments/index.ts lists no environment to copy");
  process.exit(1);
}

process.exitCode = runSynth(generatedEnvironmentFiles(template, count), {
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  company,
});
