/**
 * Generated environments: `count` copies of a template environment named
 * env-01, env-02, ... (the benches, the split-pipeline tests and the
 * 60-environment rehearsal). They take whichever environment a repository
 * or fork ships as the template, so nothing names one.
 */
import type { EnvironmentFiles } from "./load";

export const generatedName = (i: number) => `env-${String(i + 1).padStart(2, "0")}`;

/** Environment files (as environments/index.ts exports them) of `count` copies of `template`. */
export function generatedEnvironmentFiles(template: unknown, count: number): EnvironmentFiles {
  const names = Array.from({ length: count }, (_, i) => generatedName(i));
  return Object.fromEntries(names.map((name) => [name, { ...structuredClone(template as object), name }]));
}
