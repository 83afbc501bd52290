/**
 * Moved to lib/identity.ts (bootstrap, the policy pack and the pipeline all
 * read it, and lib/ must not import ci/). This re-export keeps branches that
 * still import the old path compiling until they land; new code imports
 * lib/identity.ts.
 */
export * from "../lib/identity";
