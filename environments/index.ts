/**
 * The environments this repository deploys, by file, in pipeline order: key
 * `qa` is `environments/qa.ts`, whose `name` must be `qa`. Add one with
 * `npm run env:add -- <name> --from <env>` (it also registers the name in
 * bootstrap.ts and regenerates .gitlab-ci.yml); the stack id, `cdktf deploy
 * <name>` and the CI jobs follow from the name.
 */
import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";

export { company } from "./company";

export const environments = { dev, staging, prod };
