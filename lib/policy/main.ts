/**
 * Entry point for `npm run policy`: the policy findings of every environment
 * as a table (see cli.ts, or `npm run policy -- --help`).
 */

import { company, environments } from "../../environments";
import { ConfigError } from "../config/errors";
import { releaseFromEnvironment } from "../stacks/release-input";
import { runPolicy } from "./cli";

try {
  // The same release variables as synth, so the table describes what the pipeline deploys.
  const release = releaseFromEnvironment(process.env);
  process.exitCode = runPolicy(process.argv.slice(2), environments, company, console, { release });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
