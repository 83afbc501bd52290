/**
 * Entry point for `npm run policy`: the policy findings of every environment
 * as a table (see policy.ts, or `npm run policy -- --help`).
 */

import { company, environments } from "../environments";
import { ConfigError } from "../lib/config/errors";
import { releaseFromEnvironment } from "../lib/stacks/release-input";
import { runPolicy } from "./policy";

try {
  // The same release variables as synth, so the table describes what the pipeline deploys.
  const release = releaseFromEnvironment(process.env);
  process.exitCode = runPolicy(process.argv.slice(2), environments, company, console, { release });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
