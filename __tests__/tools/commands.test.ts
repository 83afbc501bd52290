/**
 * Every command of every entry point, in-process: its --help exits 0 and is
 * the help generated from its spec, and its usage line names only options it
 * accepts (the one part of a spec written by hand that can go stale when an
 * option is renamed).
 */
import { benchCommand } from "../../bench/run";
import { benchWorkloadCommand } from "../../bench/workload";
import { ciProgram } from "../../ci/cli";
import { pinImagesCommand } from "../../ci/pin-images";
import { rehearseCommand } from "../../ci/rehearse/main";
import { RELEASE } from "../../ci/release/main";
import { signalCommand } from "../../ci/signal/cli";
import { company, environments } from "../../environments";
import { synthCommand } from "../../main";
import { TOOLS } from "../../tools/cli";
import { type Command, captureIo, helpOf, type OptionSpecs, type Program, runCommand } from "../../tools/command";
import { policyCommand } from "../../tools/policy";

// bench:edge loads Miniflare; its spec is checked by journeys/help-spawn.test.ts through its script.
const programs: Program[] = [ciProgram(), TOOLS, RELEASE];
const alone: Command<OptionSpecs>[] = [
  synthCommand,
  signalCommand(environments, company),
  rehearseCommand,
  pinImagesCommand,
  policyCommand(environments, company),
  benchCommand,
  benchWorkloadCommand,
];
const cases: [string, Command<OptionSpecs>, Program | undefined][] = [
  ...programs.flatMap((program) =>
    program.commands.map((c): [string, Command<OptionSpecs>, Program] => [
      `${program.name} ${c.name}`.trim(),
      c,
      program,
    ]),
  ),
  ...alone.map((c): [string, Command<OptionSpecs>, undefined] => [c.name, c, undefined]),
];

describe.each(cases)("%s", (_, command, program) => {
  it("--help exits 0 with the help of its spec", async () => {
    const io = captureIo();
    expect(await runCommand(command, ["--help"], io, program)).toBe(0);
    expect(io.stdout).toBe(`${helpOf(command, program)}\n`);
    expect(io.stdout).toMatch(/^Usage: npm run /);
  });

  it("names in its usage line only options it accepts", () => {
    const named = [...command.usage.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]);
    for (const name of named) expect([name, name in command.options]).toEqual([name, true]);
  });
});
