import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../app/build/repository-root";

/**
 * Replaces the text between `<!-- bench:<block>:start -->` and its end marker
 * in BENCHMARKS.md with `text`; throws, changing nothing, when the markers are missing.
 */
export function writeBenchmarksBlock(block: string, text: string): void {
  const file = join(REPOSITORY_ROOT, "BENCHMARKS.md");
  const [start, end] = [`<!-- bench:${block}:start -->`, `<!-- bench:${block}:end -->`];
  const [before, rest] = readFileSync(file, "utf8").split(start);
  if (rest === undefined || !rest.includes(end)) {
    throw new Error(`BENCHMARKS.md has no ${start} ... ${end} block to replace`);
  }
  writeFileSync(file, `${before}${start}\n${text}\n${end}${rest.split(end)[1]}`);
}
