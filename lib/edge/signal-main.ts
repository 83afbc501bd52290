/** Entry point for `npm run edge:signal` (see signal-cli.ts, or `npm run edge:signal -- --help`). */
import { environments } from "../../environments";
import { runSignal } from "./signal-cli";

runSignal(process.argv.slice(2), environments, console).then((status) => {
  process.exitCode = status;
});
