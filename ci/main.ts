/** Entry point of the `npm run ci:*` scripts; the commands are in cli.ts. */
import { main } from "../tools/command";
import { ciProgram } from "./cli";

main(ciProgram());
