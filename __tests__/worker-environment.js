/**
 * jest's node environment, plus one Map per jest worker that every test file
 * run by that worker sees as `globalThis.__workerShared`. jest gives each test
 * file fresh modules, so a module-level cache lasts one file; this one lasts
 * the worker (this module is loaded once per worker process), i.e. one run.
 * Holds strings only (helpers/environments.ts: synthesized stacks), so no
 * object crosses from one file's realm into another's.
 */
const { TestEnvironment } = require("jest-environment-node");

const shared = new Map();

class WorkerEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__workerShared = shared;
  }
}

module.exports = WorkerEnvironment;
