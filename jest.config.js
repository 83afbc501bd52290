/**
 * The fast tier, `npm test` (README, Testing): unit and contract tests, every
 * folder of __tests__/ but journeys/. The journeys (end-to-end runs, load runs,
 * 60 MB bodies) are `npm run test:journeys`, jest.journeys.config.js.
 * @type {import('jest').Config}
 */
module.exports = {
  // jest's node environment with a per-worker cache (synthesized stacks shared across test files).
  testEnvironment: "<rootDir>/__tests__/worker-environment.js",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/journeys/"],
  // One worker per core: jest defaults to cores - 1, a single worker on a 2-core CI machine. Measured on 2 cores
  // (the 16 files that synthesize): 2 workers take the CPU time of 1, 3 take 18 % more (each worker loads
  // and synthesizes on its own) for no more cores.
  maxWorkers: "100%",
  transform: {
    "^.+\\.(t|j)sx?$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  // Every module runs in jest's sandbox, where reading a global (`Math.imul`, `Object.keys`) goes through
  // the context's interceptors: the router's hash ran 16 times slower under jest than in node, synth ~10 %
  // more CPU. These are handed to each module as locals instead. Not String, Number, Symbol, Error, Map,
  // Set, Promise: modules jest loads (readable-stream under cdktf) declare their own, a clash jest rejects.
  sandboxInjectedGlobals: ["Math", "JSON", "Object", "Array", "Reflect"],
  // cdktf's own copy of archiver is never called in a test's process (helpers/archiver-stand-in.js says why).
  moduleNameMapper: { "^archiver$": "<rootDir>/__tests__/helpers/archiver-stand-in.js" },
  // Function bundles unzipped by the app tests run as shipped, untransformed.
  transformIgnorePatterns: ["/node_modules/", "/workload-bundle-[^/]+/"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // The run's own temporary folder; the run fails if a test leaves anything in it (__tests__/tmp-guard/).
  globalSetup: "<rootDir>/__tests__/tmp-guard/setup.js",
  globalTeardown: "<rootDir>/__tests__/tmp-guard/teardown.js",
  reporters: ["default", ["jest-junit", { outputDirectory: "reports", outputName: "junit.xml" }]],
  coverageReporters: ["text-summary", "cobertura"],
  coverageDirectory: "reports/coverage",
  collectCoverageFrom: ["lib/**/*.ts", "app/**/*.ts", "ci/**/*.ts", "main.ts"],
};
