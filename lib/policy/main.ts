/**
 * Entry point for `npm run policy`: the policy findings of every environment
 * as a table (see cli.ts, or `npm run policy -- --help`).
 */

import { company, environments } from "../../environments";
import { runPolicy } from "./cli";

const image = process.env.CONTAINER_IMAGE;
process.exitCode = runPolicy(process.argv.slice(2), environments, company, console, {
  image: image === undefined || image === "" ? undefined : image,
});
