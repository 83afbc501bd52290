/**
 * `npm test`'s jest run (`npm run test:unit`): the same tests as jest.config.js,
 * grouped one jest file per folder of __tests__/ (__tests__/suites/grouping.js
 * says why: each jest file loads the stacks' import graph anew). A file that
 * replaces modules, or a folder without a suite file, runs on its own.
 * @type {import('jest').Config}
 */
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const perFile = require("./jest.config");
const { TESTS, fastFolders } = require("./__tests__/suites/grouping");

const testMatch = fastFolders().flatMap((folder) => {
  const suite = join(TESTS, "suites", `${folder.name}.suite.ts`);
  if (folder.grouped.length === 0) return folder.alone;
  return existsSync(suite) ? [suite, ...folder.alone] : [...folder.grouped, ...folder.alone];
});

module.exports = {
  ...perFile,
  testMatch,
  testPathIgnorePatterns: ["/node_modules/"],
  testSequencer: "<rootDir>/__tests__/suites/sequencer.js",
};
