/**
 * The repository root: the nearest folder above this module with a
 * package.json. Code that reads repository files (bundle sources, the
 * lockfile) starts from here, because `__dirname` is the source folder under
 * jest but `.gen/run/` when an entry point runs as one bundle (bin/run.cjs).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const REPOSITORY_ROOT = findRoot(__dirname);
