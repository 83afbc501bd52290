/** The alert relay Worker (lib/relay/worker/index.ts), bundled like the edge router (lib/edge/bundle.ts). */
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { bundleScript, type WorkerBundle } from "../edge/bundle";

export const RELAY_ENTRY = join(REPOSITORY_ROOT, "lib", "relay", "worker", "index.ts");

export function bundleRelay(): WorkerBundle {
  return bundleScript(RELAY_ENTRY, "relay");
}
