import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir` with its bytes (base64), by path relative to `dir`: two equal trees are byte-identical. */
export function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      files[full.slice(dir.length + 1)] = readFileSync(full, "base64");
    }
  }
  return files;
}
