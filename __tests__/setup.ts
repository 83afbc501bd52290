// cdktf records a full stack trace for every token it creates (only ever shown
// when a token fails to resolve). Under jest every trace is mapped through
// source maps, which made each stack synth about twice as slow; tests never
// read those traces, so skip them. Synth outside jest is unaffected.
// (A private cdktf module, patched here only: it has no public switch.)
// cdktf's jest matchers are not registered: no test uses them, and loading
// them loads all of cdktf into every test file, synth or not.
require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = (): string[] => [];

// Folders a test made with helpers/scratch.ts go when its jest file ends (__tests__/tmp-guard/ checks).
afterAll(() => {
  (require("./helpers/scratch") as typeof import("./helpers/scratch")).removeScratchDirs();
});
