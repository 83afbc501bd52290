/** Every cloud folder names the same role with the same file (docs/adding-a-cloud.md). */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { CLOUDS } from "../../lib/config/schema";

/** One file per role, in every `lib/<cloud>/`. */
const ROLES = [
  "cloud.ts", // the CloudModule the stack's registry lists
  "settings.ts", // the environment's block for this cloud
  "target.ts", // what the cloud's two targets share (extends TargetConstruct)
  "function-target.ts",
  "container-target.ts",
  "workload.ts", // what the targets assume about the workload's packaging
  "naming.ts", // resource names within the cloud's limits
  "validation.ts", // the ServiceSpec limits table
  "sizing.ts", // memory and CPU onto the products' sizes
  "identity.ts",
  "registry.ts",
  "secrets.ts",
  "logs.ts",
  "monitoring.ts", // the environment's route, alerts, outside checks and dashboard
  "index.ts",
];

describe("cloud folders", () => {
  it.each([...CLOUDS])("lib/%s has one file per role, named the same in every cloud", (cloud) => {
    const files = readdirSync(join(REPOSITORY_ROOT, "lib", cloud));
    expect(ROLES.filter((role) => !files.includes(role))).toEqual([]);
  });
});
