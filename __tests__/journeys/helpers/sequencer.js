/**
 * The order the journeys start in, longest first, so jest's two workers end
 * together: the last file to start is a short one, not a rehearsal running
 * alone for minutes while the other core idles. jest's own order (the last
 * run's times) wins when it knows every file's time; a clean clone (CI)
 * knows none, and jest would start the largest files first, not the longest.
 * LONGEST: the files that took the most CPU, measured one file at a time (/usr/bin/time).
 */
const Sequencer = require("@jest/test-sequencer").default;
const { basename } = require("node:path");

const LONGEST = [
  "rehearsal-default-branch.test.ts",
  "rehearsal-merge-request.test.ts",
  "rehearsal-broken.test.ts",
  "child-pipelines.test.ts",
  "synth-cli.test.ts",
  "edge-load.test.ts",
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.every((test) => test.duration != null)) return sorted;
    const rank = (test) => {
      const i = LONGEST.indexOf(basename(test.path));
      return i === -1 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: files not listed keep jest's order after the listed ones.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
