/**
 * One folder of the fast tier as one jest test file (grouping.js says why):
 * each of the folder's test files runs inside a `describe` named after it, so
 * its `beforeAll`/`beforeEach` hooks apply to its own tests only.
 */
import { basename } from "node:path";

// grouping.js is plain CommonJS: jest.fast.config.js reads it before any transform.
const { fastFolders } = require("./grouping") as {
  fastFolders: () => { name: string; grouped: string[] }[];
};

export function runFolder(name: string): void {
  const folder = fastFolders().find((candidate) => candidate.name === name);
  if (folder === undefined) throw new Error(`no fast-tier folder __tests__/${name}`);
  for (const file of folder.grouped) {
    describe(basename(file), () => {
      require(file);
    });
  }
}
