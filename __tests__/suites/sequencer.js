/**
 * The suites first, in the order grouping.js lists them (longest first), then
 * the files that run alone, largest first, so jest's two workers finish
 * together on a clean clone, where jest has no times from an earlier run (it
 * would sort by the files' own sizes, and a suite file is a few bytes). Once
 * jest has recorded times it orders by those.
 */
const { statSync } = require("node:fs");
const Sequencer = require("@jest/test-sequencer").default;
const { fastSuites } = require("./grouping");

const suiteOrder = fastSuites().map((suite) => suite.file);

class LongestFirst extends Sequencer {
  sort(tests) {
    const timed = tests.every((test) => this._getCache(test)[test.path]?.[1] > 0);
    if (timed) return super.sort(tests);
    const rank = (test) => {
      const index = suiteOrder.indexOf(test.path);
      return index >= 0 ? [0, index] : [1, -statSync(test.path).size];
    };
    return [...tests].sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      return ra[0] - rb[0] || ra[1] - rb[1];
    });
  }
}

module.exports = LongestFirst;
