/**
 * Every npm script answers --help, spawned as a user runs it (`node bin/run.cjs
 * <file>`, the cached bundle): the repository's own entry points print their
 * usage and exit 0 without doing their work; the tools they wrap (tsc, biome,
 * jest, depcruise) have their own --help. The fast tier checks every command's
 * help in-process (tools/commands.test.ts); this journey proves the scripts.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
const TOOLS = /^(tsc|biome|jest|depcruise|npm run typecheck)/;

/**
 * `node bin/run.cjs <file> [args]`: the repository's own entry points, one script per file (the
 * commands of one file share its parser; their own tests cover each one's --help).
 */
const entryOf = (command: string) =>
  command
    .replace(/^npm run --silent synth && /, "")
    .split(" ")
    .slice(0, 3)
    .join(" ");
const own = Object.entries(scripts).filter(
  ([name, command], _, all) =>
    !TOOLS.test(command) &&
    all.find(([, other]) => !TOOLS.test(other) && entryOf(other) === entryOf(command))?.[0] === name,
);

describe("every npm script answers --help", () => {
  it("knows every script: an own entry point, a wrapped tool, or a chain of scripts", () => {
    for (const [name, command] of Object.entries(scripts)) {
      expect([
        name,
        /^(node bin\/(run|test)\.cjs|npm run --silent synth && node bin\/run\.cjs )/.test(command) ||
          TOOLS.test(command),
      ]).toEqual([name, true]);
    }
  });

  it.each(own)(
    "npm run %s -- --help",
    (_, command) => {
      const [program, ...args] = command.replace(/^npm run --silent synth && /, "").split(" ");
      const result = spawnSync(program, [...args, "--help"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
      expect({ status: result.status, usage: /usage/i.test(result.stdout) }).toEqual({ status: 0, usage: true });
    },
    60_000,
  );
});
