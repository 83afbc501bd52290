/**
 * jest's globalSetup (jest.config.js): the run gets a folder of its own with
 * `tmp/`, TMPDIR for the workers and every process a test starts (os.tmpdir()
 * reads it), so teardown.js can tell what the run left behind from what other
 * programs on the machine keep in /tmp; and `shared/`, JEST_RUN_SHARED, where
 * the workers share what each computes once per run (helpers/environments.ts,
 * oncePerRun: synthesized stacks).
 */
const { mkdirSync, mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = function setup() {
  const dir = mkdtempSync(join(tmpdir(), "jest-run-"));
  globalThis.__tmpGuard = { previous: process.env.TMPDIR, dir, tmp: join(dir, "tmp") };
  mkdirSync(join(dir, "tmp"));
  mkdirSync(join(dir, "shared"));
  process.env.TMPDIR = join(dir, "tmp");
  process.env.JEST_RUN_SHARED = join(dir, "shared");
};
