/** Entry point of the `npm run ci:*` scripts; all logic is in cli.ts. */
import { main } from "./cli";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
