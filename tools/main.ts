/**
 * Entry point of the repository's own commands (`npm run env:add`, `doctor`,
 * `diagram`, `fork:check`); each command's logic lives in its own module.
 */
import { runTool } from "./cli";

runTool(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
