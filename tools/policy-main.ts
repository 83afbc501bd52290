/**
 * Entry point for `npm run policy`: the policy findings of every environment
 * as a table (see policy.ts, or `npm run policy -- --help`).
 */
import { company, environments } from "../environments";
import { releaseFromEnvironment } from "../lib/stacks/release-input";
import { main } from "./command";
import { policyCommand } from "./policy";

main(policyCommand(environments, company, { release: releaseFromEnvironment }));
