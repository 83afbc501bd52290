/**
 * The release a synth deploys, from the variables the pipeline sets
 * (docs/releasing.md); a fresh clone sets none and gets LOCAL_RELEASE.
 *
 * - RELEASE_ID, IMAGE_DIGEST: from the build job (`release.env`).
 * - RELEASE_STEP: canary (default), promote or rollback.
 * - RELEASE_STABLE_DIR: a folder with `<environment>.json` per environment,
 *   the `release` output of its last apply (`ci/release/stable.ts` writes
 *   it from state; `tofu output -json release` gives the same). A missing
 *   file means no stable release yet (first deploy).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config/errors";
import { ORIGINS, type OriginId } from "../config/schema";
import {
  LOCAL_RELEASE,
  RELEASE_STEPS,
  type Release,
  type ReleaseStep,
  releaseProblems,
  type StableRelease,
} from "../release";

/** Builds each environment's Release; throws one ConfigError listing every problem. */
export type ReleaseFor = (environment: string) => Release;

function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

export function releaseFromEnvironment(env: NodeJS.ProcessEnv): ReleaseFor {
  const id = set(env, "RELEASE_ID");
  const digest = set(env, "IMAGE_DIGEST");
  const step = set(env, "RELEASE_STEP") ?? "canary";
  const stableDir = set(env, "RELEASE_STABLE_DIR");
  const problems: string[] = [];
  if (!RELEASE_STEPS.includes(step as ReleaseStep)) {
    problems.push(`RELEASE_STEP "${step}" must be one of ${RELEASE_STEPS.join(", ")}`);
  }
  if (digest !== undefined && id === undefined) problems.push("IMAGE_DIGEST is set without RELEASE_ID: set both");
  if (stableDir !== undefined && !existsSync(stableDir))
    problems.push(`RELEASE_STABLE_DIR "${stableDir}" does not exist`);
  const base: Release = id === undefined ? LOCAL_RELEASE : { id, digest };
  problems.push(
    ...releaseProblems(base).map((p) =>
      p.replace(/^release id/, "RELEASE_ID").replace(/^release digest/, "IMAGE_DIGEST"),
    ),
  );
  if (problems.length > 0) throw new ConfigError(problems, "release");
  return (environment) => {
    const release: Release = { ...base, step: step as ReleaseStep, stable: stableFor(stableDir, environment) };
    const invalid = releaseProblems(release);
    if (invalid.length > 0)
      throw new ConfigError(
        invalid.map((p) => `${environment}: ${p}`),
        "release",
      );
    return release;
  };
}

function stableFor(dir: string | undefined, environment: string): StableRelease | undefined {
  if (dir === undefined) return undefined;
  const file = join(dir, `${environment}.json`);
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new ConfigError([`${file} is not JSON (expected the \`release\` output of the last apply)`], "release");
  }
  if (typeof value !== "object" || value === null || typeof (value as { id?: unknown }).id !== "string") {
    throw new ConfigError([`${file} has no "id" (expected the \`release\` output of the last apply)`], "release");
  }
  const record = value as Record<string, unknown>;
  const revisions: Partial<Record<OriginId, string>> = {};
  const given = typeof record.revisions === "object" && record.revisions !== null ? record.revisions : {};
  for (const [origin, revision] of Object.entries(given)) {
    if (!(ORIGINS as readonly string[]).includes(origin) || typeof revision !== "string" || revision === "") {
      throw new ConfigError(
        [`${file}: revisions.${origin} is not a revision of a known origin (${ORIGINS.join(", ")})`],
        "release",
      );
    }
    revisions[origin as OriginId] = revision;
  }
  const digest = typeof record.digest === "string" && record.digest !== "" ? record.digest : undefined;
  return { id: record.id as string, digest, revisions };
}
