import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

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

/** Writes what `tree` read (base64 by relative path) under `dir`: the same bytes. */
export function writeTree(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, base64] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), Buffer.from(base64, "base64"));
  }
}
