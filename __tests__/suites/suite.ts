/**
 * One suite of the fast tier as one jest test file (grouping.js says why):
 * each of its folders' test files runs inside a `describe` named after it, so
 * its `beforeAll`/`beforeEach` hooks apply to its own tests only. jest keeps
 * one test timeout per jest file, the last `jest.setTimeout` before the run:
 * the suite runs with the longest any of its files sets, so no file's tests
 * get less time than the file asked for.
 */
import { basename, dirname } from "node:path";

// grouping.js is plain CommonJS: jest.fast.config.js reads it before any transform.
const { fastSuites } = require("./grouping") as {
  fastSuites: () => { name: string; grouped: string[] }[];
};

/** Where `jest.setTimeout` keeps the file's timeout (jest-runtime), read by jest-circus when the run starts. */
const TIMEOUT = Symbol.for("TEST_TIMEOUT_SYMBOL");

export function runSuite(name: string): void {
  const suite = fastSuites().find((candidate) => candidate.name === name);
  if (suite === undefined) throw new Error(`no fast-tier suite ${name} (__tests__/suites/grouping.js)`);
  const timeouts = globalThis as { [TIMEOUT]?: number };
  let longest = 0;
  for (const file of suite.grouped) {
    describe(`${basename(dirname(file))}/${basename(file)}`, () => {
      require(file);
      longest = Math.max(longest, timeouts[TIMEOUT] ?? 0);
    });
  }
  if (longest > 0) jest.setTimeout(longest);
}
