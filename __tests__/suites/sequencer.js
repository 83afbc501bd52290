/**
 * Heaviest suite first, so jest's two workers finish together on a clean
 * clone, where jest has no times from an earlier run (it would sort by the
 * suite files' own sizes, all alike). A suite's weight is the size of the
 * test files it runs; once jest has recorded times it orders by those.
 */
const { statSync } = require("node:fs");
const Sequencer = require("@jest/test-sequencer").default;
const { fastSuites } = require("./grouping");

const weights = new Map(
  fastSuites().map((suite) => [suite.file, suite.grouped.reduce((total, file) => total + statSync(file).size, 0)]),
);

class HeaviestFirst extends Sequencer {
  sort(tests) {
    const timed = tests.every((test) => this._getCache(test)[test.path]?.[1] > 0);
    if (timed) return super.sort(tests);
    const weight = (test) => weights.get(test.path) ?? statSync(test.path).size;
    return [...tests].sort((a, b) => weight(b) - weight(a));
  }
}

module.exports = HeaviestFirst;
