/**
 * One suite of the fast tier as one jest test file (grouping.js says why):
 * each of its folders' test files runs inside a `describe` named after it, so
 * its `beforeAll`/`beforeEach` hooks apply to its own tests only.
 */
import { basename, dirname } from "node:path";

// grouping.js is plain CommonJS: jest.fast.config.js reads it before any transform.
const { fastSuites } = require("./grouping") as {
  fastSuites: () => { name: string; grouped: string[] }[];
};

export function runSuite(name: string): void {
  const suite = fastSuites().find((candidate) => candidate.name === name);
  if (suite === undefined) throw new Error(`no fast-tier suite ${name} (__tests__/suites/grouping.js)`);
  for (const file of suite.grouped) {
    describe(`${basename(dirname(file))}/${basename(file)}`, () => {
      require(file);
    });
  }
}
