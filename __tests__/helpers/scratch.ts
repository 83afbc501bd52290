/**
 * Temporary folders for tests. Each is removed when its jest file ends (setup.ts
 * registers the afterAll), so a run leaves nothing behind in the machine's
 * temporary folder; __tests__/tmp-guard/ fails a run that does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** On the jest file's global, not in this module: a test that resets modules still gets its folders removed. */
const holder = globalThis as { __scratchDirs?: string[] };
holder.__scratchDirs ??= [];
const made: string[] = holder.__scratchDirs;

/** A fresh empty folder named `<prefix>-XXXXXX` under the temporary folder, removed when this jest file ends. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder scratchDir made in this jest file (setup.ts, after the file's last test). */
export function removeScratchDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
