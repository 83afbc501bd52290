/** Entry point for `npm run edge:signal` (see cli.ts, or `npm run edge:signal -- --help`). */
import { company, environments } from "../../environments";
import { runSignal } from "./cli";

runSignal(process.argv.slice(2), environments, company, console).then((status) => {
  process.exitCode = status;
});
