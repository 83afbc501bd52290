/** The command toolkit: parsing, generated --help and the exit-code convention every command shares. */
import {
  booleanOption,
  captureIo,
  command,
  helpOf,
  type Program,
  runCommand,
  runProgram,
  stringOption,
  UsageError,
} from "../../tools/command";

const greet = command({
  name: "greet",
  summary: "Say hello",
  usage: "<name> [--loud]",
  description: "Greets someone by name.",
  options: {
    loud: booleanOption("in capitals"),
    times: stringOption("<n>", "how often\n(default 1)"),
  },
  positionals: { min: 1, max: 1, help: "one <name>" },
  run({ values, positionals }, io) {
    const times = values.times === undefined ? 1 : Number(values.times);
    if (!Number.isInteger(times)) throw new UsageError(`--times takes a whole number, not ${values.times}`);
    if (positionals[0] === "nobody") throw new Error("nobody to greet");
    if (positionals[0] === "silence") return 1;
    const text = `hello ${positionals[0]}`;
    for (let i = 0; i < times; i++) io.out(values.loud === true ? text.toUpperCase() : text);
    return undefined;
  },
});

const program: Program = {
  name: "demo",
  invocation: (name) => `npm run demo:${name} --`,
  usage: "Usage: npm run demo:<command> -- [options]",
  commands: [greet],
};

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo({ env });
  const code = await runCommand(greet, argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe("command toolkit", () => {
  it("runs the command with typed options; undefined from run is exit 0", async () => {
    expect(await run(["ada", "--loud", "--times", "2"])).toEqual({ code: 0, out: "HELLO ADA\nHELLO ADA\n", err: "" });
  });

  it("passes on the command's own exit code", async () => {
    expect((await run(["silence"])).code).toBe(1);
  });

  it("--help prints the help generated from the spec and exits 0 without running", async () => {
    const result = await run(["--help"]);
    expect(result).toEqual({ code: 0, out: `${helpOf(greet)}\n`, err: "" });
    expect(result.out).toBe(
      [
        "Usage: npm run greet -- <name> [--loud]",
        "",
        "Greets someone by name.",
        "",
        "Options:",
        "  --loud       in capitals",
        "  --times <n>  how often",
        "               (default 1)",
        "  -h, --help   show this help",
        "",
      ].join("\n"),
    );
    expect((await run(["-h"])).code).toBe(0);
  });

  it.each([
    [["ada", "--nope"], "greet: Unknown option '--nope'"],
    [["ada", "--times"], "greet: Option '--times <value>' argument missing"],
    [[], "greet: expected one <name>"],
    [["ada", "bob"], "greet: unexpected argument bob"],
    [["ada", "--times", "x"], "greet: --times takes a whole number, not x"],
  ])("bad usage %j: exit 2, the message, then the usage line", async (argv, message) => {
    expect(await run(argv)).toEqual({
      code: 2,
      out: "",
      err: `${message}\nUsage: npm run greet -- <name> [--loud]   (--help for more)\n`,
    });
  });

  it("a thrown error is exit 1 and one line, its stack only with DEBUG", async () => {
    expect(await run(["nobody"])).toEqual({ code: 1, out: "", err: "greet: nobody to greet\n" });
    const debug = await run(["nobody"], { DEBUG: "1" });
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/^greet: nobody to greet\nError: nobody to greet\n\s+at /);
  });
});

describe("program dispatcher", () => {
  async function dispatch(argv: string[]) {
    const io = captureIo();
    const code = await runProgram(program, argv, io);
    return { code, out: io.stdout, err: io.stderr };
  }

  it("runs the named command, its messages and usage line under the program's names", async () => {
    expect(await dispatch(["greet", "ada"])).toEqual({ code: 0, out: "hello ada\n", err: "" });
    expect((await dispatch(["greet", "--bad"])).err).toBe(
      "demo greet: Unknown option '--bad'\nUsage: npm run demo:greet -- <name> [--loud]   (--help for more)\n",
    );
    expect((await dispatch(["greet", "--help"])).out).toMatch(/^Usage: npm run demo:greet -- <name> \[--loud\]\n/);
  });

  it("--help lists the commands and exits 0", async () => {
    const help = await dispatch(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: npm run demo:<command> -- \[options\]\n\nCommands:\n {2}greet {2}Say hello\n/);
  });

  it("an unknown or missing command is bad usage: exit 2 with the commands and the usage", async () => {
    expect(await dispatch(["wave"])).toEqual({
      code: 2,
      out: "",
      err: 'demo: unknown command "wave"; commands: greet\nUsage: npm run demo:<command> -- [options]   (--help for more)\n',
    });
    expect((await dispatch([])).code).toBe(2);
    expect((await dispatch([])).err).toMatch(/^demo: name a command; commands: greet\n/);
  });
});
