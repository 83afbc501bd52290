/**
 * The direction of imports (docs/adding-a-cloud.md#layers), checked by
 * `npm run lint`:
 *
 *   environments/ -> lib/config -> lib/<cloud>, lib/edge, lib/policy, lib/monitoring,
 *   lib/bootstrap -> lib/stacks -> main.ts, tools/, ci/, bench/
 *
 * app/ (the workload) imports nothing from lib/; what both need lives in
 * app/contract.ts and app/origin-secret.ts, which import nothing else.
 * Violations that predate the check are listed in
 * .dependency-cruiser-known-violations.json (only shrinking: the layers test
 * fails on an entry it does not allow); a new one fails lint.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import loop: two modules that each need the other belong together or need a third below both.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "app-is-independent",
      comment: "The workload (app/) runs in every cloud's runtime: it imports nothing from the infrastructure code.",
      severity: "error",
      from: { path: "^app/" },
      // Except the company's data file: the workload reports its service name when no target set SERVICE_NAME.
      to: { path: "^(lib|ci|tools|bench|environments)/|^main\\.ts$", pathNot: "^environments/company\\.ts$" },
    },
    {
      name: "lib-below-commands",
      comment: "lib/ is imported by the commands (main.ts, ci/, tools/, bench/), never the other way.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(ci|tools|bench)/|^main\\.ts$" },
    },
    {
      name: "config-below-constructs",
      comment: "lib/config validates data; constructs and stacks build on it.",
      severity: "error",
      from: { path: "^lib/config/" },
      to: { path: "^lib/(aws|azure|gcp|edge|relay|policy|monitoring|bootstrap|stacks|contract)/" },
    },
    {
      name: "constructs-below-stacks",
      comment: "Only lib/stacks knows every construct; constructs never reach up into it.",
      severity: "error",
      from: { path: "^lib/(aws|azure|gcp|edge|relay|policy|monitoring|bootstrap|contract|config)/" },
      to: { path: "^lib/stacks/" },
    },
    {
      name: "environments-are-data",
      comment: "environments/ holds data; it may import types from lib/config only.",
      severity: "error",
      from: { path: "^environments/" },
      to: { path: "^(lib/(?!config/)|ci/|tools/|app/|bench/)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|cdktf\\.out|\\.gen|__tests__)/" },
    tsConfig: { fileName: "tsconfig.json" },
    // TypeScript 7's package has no compiler API for dependency-cruiser; swc parses the same imports.
    parser: "swc",
    tsPreCompilationDeps: true,
  },
};
