/**
 * jest's globalSetup (jest.config.js): the run gets a temporary folder of its
 * own, TMPDIR for the workers and every process a test starts (os.tmpdir()
 * reads it), so teardown.js can tell what the run left behind from what other
 * programs on the machine keep in /tmp.
 */
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = function setup() {
  globalThis.__tmpGuard = { previous: process.env.TMPDIR, dir: mkdtempSync(join(tmpdir(), "jest-run-")) };
  process.env.TMPDIR = globalThis.__tmpGuard.dir;
};
