/**
 * Heaviest folder first, so jest's two workers finish together on a clean
 * clone, where jest has no times from an earlier run (it would sort by the
 * suite files' own sizes, all alike). A folder's weight is the size of the
 * test files it runs; once jest has recorded times it orders by those.
 */
const { statSync } = require("node:fs");
const { basename } = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;
const { fastFolders } = require("./grouping");

const weights = new Map(
  fastFolders().map((folder) => [
    `${folder.name}.suite.ts`,
    folder.grouped.reduce((total, file) => total + statSync(file).size, 0),
  ]),
);

class HeaviestFirst extends Sequencer {
  sort(tests) {
    const timed = tests.every((test) => this._getCache(test)[test.path]?.[1] > 0);
    if (timed) return super.sort(tests);
    const weight = (test) => weights.get(basename(test.path)) ?? statSync(test.path).size;
    return [...tests].sort((a, b) => weight(b) - weight(a));
  }
}

module.exports = HeaviestFirst;
