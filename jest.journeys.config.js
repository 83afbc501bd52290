/**
 * The journeys tier, `npm run test:journeys` (README, Testing): what a user
 * does end to end, too slow for every edit: the cdktf CLI's synth, load runs,
 * 60 MB bodies through every runtime. Same transform and setup as the fast tier.
 * @type {import('jest').Config}
 */
const fast = require("./jest.config");

module.exports = {
  ...fast,
  roots: ["<rootDir>/__tests__/journeys"],
  testPathIgnorePatterns: ["/node_modules/"],
  // Longest files first (the rehearsals), so the two workers finish together.
  testSequencer: "<rootDir>/__tests__/journeys/helpers/sequencer.js",
  reporters: ["default", ["jest-junit", { outputDirectory: "reports", outputName: "junit-journeys.xml" }]],
};
