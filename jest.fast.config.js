/**
 * `npm test`'s jest run (`npm run test:unit`): the same tests as jest.config.js,
 * the folders of __tests__/ packed into a few jest files (__tests__/suites/grouping.js
 * says why: each jest file loads the stacks' import graph anew). A file that
 * replaces modules, or a folder no suite lists, runs on its own.
 * @type {import('jest').Config}
 */
const perFile = require("./jest.config");
const { fastTestMatch } = require("./__tests__/suites/grouping");

module.exports = {
  ...perFile,
  testMatch: fastTestMatch(),
  testPathIgnorePatterns: ["/node_modules/"],
  testSequencer: "<rootDir>/__tests__/suites/sequencer.js",
};
