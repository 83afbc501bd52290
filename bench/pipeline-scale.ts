/**
 * `node bin/run.cjs bench/pipeline-scale.ts [count...]`: how the single
 * generated pipeline grows with the number of environments (copies of the
 * first environment, as bench/generated-environments.ts makes them): jobs,
 * bytes, the time to render it, and the time gitlab-ci-local takes to read it
 * (schema validation and every job's rules, as GitLab does when it creates a
 * pipeline). The figures behind CHILD_PIPELINE_THRESHOLD (ci/pipeline/children.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { REPOSITORY_ROOT } from "../app/build/repository-root";
import { renderPipeline } from "../ci/pipeline/pipeline";
import { company, environments } from "../environments";
import { generatedEnvironmentFiles } from "../lib/config/generated";
import { loadConfiguration } from "../lib/config/load";

const counts = process.argv.slice(2).map(Number);
if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 500)) {
  console.error("usage: node bin/run.cjs bench/pipeline-scale.ts <count 1-500>...");
  process.exit(1);
}
const template = Object.values(environments)[0];
const GITLAB_CI_LOCAL = join(REPOSITORY_ROOT, "node_modules", ".bin", "gitlab-ci-local");

console.log("| environments | jobs | KB | render ms | gitlab-ci-local --list-json s |");
console.log("| --- | --- | --- | --- | --- |");
for (const count of counts) {
  const configs = loadConfiguration(generatedEnvironmentFiles(template, count), company).configs;
  const started = process.hrtime.bigint();
  const text = renderPipeline(configs);
  const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
  const jobs = Object.keys(parse(text) as object).filter((k) => k.includes(":") || k === "synth").length;
  const dir = mkdtempSync(join(tmpdir(), "pipeline-scale-"));
  try {
    writeFileSync(join(dir, ".gitlab-ci.yml"), text);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    execFileSync("git", ["remote", "add", "origin", "https://gitlab.example.net/group/project.git"], { cwd: dir });
    const listed = process.hrtime.bigint();
    execFileSync(GITLAB_CI_LOCAL, ["--list-json", "--variable", "CI_PIPELINE_SOURCE=push"], {
      cwd: dir,
      stdio: "pipe",
      maxBuffer: 256 * 1024 * 1024,
    });
    const listSeconds = Number(process.hrtime.bigint() - listed) / 1e9;
    console.log(
      `| ${count} | ${jobs} | ${Math.round(text.length / 1024)} | ${renderMs.toFixed(0)} | ${listSeconds.toFixed(1)} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
