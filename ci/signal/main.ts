/** Entry point for `npm run edge:signal` (see cli.ts, or `npm run edge:signal -- --help`). */
import { company, environments } from "../../environments";
import { main } from "../../tools/command";
import { signalCommand } from "./cli";

main(signalCommand(environments, company));
