/**
 * Orders the fast tier's jest files so that its workers finish together. jest
 * hands the files out in this order, each to the first worker that is free,
 * so the order decides which files share a worker, and a long file picked up
 * late leaves the other worker idle at the end (with the five suites, longest
 * first ended about 2 s after the best order on 2 workers). With few files
 * (the suites and the odd file that runs alone) every order is tried on each
 * file's expected duration and the one whose dispatch ends first is kept; with
 * more, longest first. The expected duration is jest's record of the file's
 * last run, else grouping.js's estimate for a suite (a clean clone has no
 * record), else 1 s.
 */
const Sequencer = require("@jest/test-sequencer").default;
const { fastSuites, ESTIMATED_SECONDS } = require("./grouping");

/** Above this many files, trying every order (n!) costs more than it saves: longest first. */
const MAX_EXHAUSTIVE = 8;

/** When the last of `durations`, dealt in this order each to the first free of `workers` workers, ends. */
function makespan(durations, workers) {
  const free = new Array(Math.max(1, workers)).fill(0);
  for (const duration of durations) {
    let first = 0;
    for (let w = 1; w < free.length; w++) if (free[w] < free[first]) first = w;
    free[first] += duration;
  }
  return Math.max(...free);
}

/**
 * The order of `durations`' indexes whose dispatch to `workers` ends first; among equally good orders the
 * one closest to longest first (it is tried first), so equal durations keep their given order.
 */
function bestOrder(durations, workers) {
  const longestFirst = durations.map((_, index) => index).sort((a, b) => durations[b] - durations[a] || a - b);
  if (durations.length > MAX_EXHAUSTIVE || workers <= 1) return longestFirst;
  let best = longestFirst;
  let bestEnd = makespan(
    longestFirst.map((index) => durations[index]),
    workers,
  );
  const order = [];
  const used = new Array(durations.length).fill(false);
  const visit = () => {
    if (order.length === durations.length) {
      const end = makespan(
        order.map((index) => durations[index]),
        workers,
      );
      if (end < bestEnd - 1e-9) [best, bestEnd] = [[...order], end];
      return;
    }
    for (const index of longestFirst) {
      if (used[index]) continue;
      used[index] = true;
      order.push(index);
      visit();
      order.pop();
      used[index] = false;
    }
  };
  visit();
  return best;
}

const estimates = new Map(fastSuites().map((suite) => [suite.file, ESTIMATED_SECONDS[suite.name]]));

class BalancedWorkers extends Sequencer {
  constructor(options) {
    super(options);
    this.workers = options?.globalConfig?.maxWorkers ?? 1;
  }

  sort(tests) {
    const durations = tests.map((test) => {
      const recorded = this.time(test);
      if (recorded != null && recorded > 0) return recorded / 1000;
      return estimates.get(test.path) ?? 1;
    });
    return bestOrder(durations, this.workers).map((index) => tests[index]);
  }
}

module.exports = BalancedWorkers;
module.exports.bestOrder = bestOrder;
module.exports.makespan = makespan;
