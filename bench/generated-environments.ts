/**
 * `node bin/run.cjs bench/generated-environments.ts <count>`: synthesizes <count> generated
 * environments (copies of dev with every cloud on, named env-01...) through
 * the same runSynth path as `npm run synth`, to see how synth cost grows.
 */
import { company } from "../environments/company";
import { dev } from "../environments/dev";
import { runSynth } from "../lib/stacks/synth";

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1 || count > 500) {
  console.error("usage: node bin/run.cjs bench/generated-environments.ts <count 1-500>");
  process.exit(1);
}

const names = Array.from({ length: count }, (_, i) => `env-${String(i + 1).padStart(2, "0")}`);
const environments = Object.fromEntries(names.map((name) => [name, { ...structuredClone(dev), name }]));
process.exitCode = runSynth(environments, { outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out", company });
