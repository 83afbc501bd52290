/**
 * The environments this repository deploys, in pipeline order. Adding one:
 * create `environments/<name>.ts` (copy staging.ts), add it here; the stack id,
 * `cdktf deploy <name>` and the CI jobs follow from `name`.
 */
import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";

export const environments: readonly unknown[] = [dev, staging, prod];
