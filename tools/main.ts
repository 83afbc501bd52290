/**
 * Entry point of the repository's own commands (`npm run env:add`, `doctor`,
 * `diagram`, `fork:check`, `addresses`); their specs are in cli.ts.
 */

import { TOOLS } from "./cli";
import { main } from "./command";

main(TOOLS);
