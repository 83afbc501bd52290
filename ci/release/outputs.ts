/**
 * The environment's Terraform outputs, read the way `tofu output -json`
 * prints them: from a file an operator saved, or straight from GitLab-managed
 * state over the API with the job token (what `tofu output` would read, with
 * no tofu in a Node image). Only the outputs are kept.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../../tools/command";

/** `{ name: { value, sensitive?, type? } }`, as `tofu output -json` and the state file hold them. */
export type Outputs = Readonly<Record<string, { readonly value: unknown }>>;

export class OutputsError extends Error {}

/** Reads `tofu output -json` saved to `file`. */
export function outputsFromFile(file: string): Outputs {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new OutputsError(`cannot read ${file}; save it with \`tofu output -json > ${file}\``);
  }
  try {
    return JSON.parse(text) as Outputs;
  } catch {
    throw new OutputsError(`${file} is not JSON; save it with \`tofu output -json > ${file}\``);
  }
}

export interface StateLocation {
  /** `$CI_API_V4_URL`. */
  readonly apiUrl: string;
  /** `$CI_PROJECT_ID`. */
  readonly projectId: string;
  /** GitLab-managed state name (the environment name). */
  readonly stateName: string;
  /** `$CI_JOB_TOKEN`. */
  readonly jobToken: string;
}

/**
 * The outputs of GitLab-managed state; `undefined` when the state does not
 * exist yet (404: a first deploy).
 */
export async function outputsFromGitLab(location: StateLocation): Promise<Outputs | undefined> {
  const url = `${location.apiUrl}/projects/${encodeURIComponent(location.projectId)}/terraform/state/${encodeURIComponent(location.stateName)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { "JOB-TOKEN": location.jobToken } });
  } catch (error) {
    throw new OutputsError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new OutputsError(`GET ${url} answered ${response.status}; the job token must read state`);
  const state = (await response.json()) as { outputs?: Outputs };
  return state.outputs ?? {};
}

/** `--outputs <file>` or, in CI, the GitLab state of `stateName`. */
export async function readOutputs(
  file: string | undefined,
  stateName: string,
  env: NodeJS.ProcessEnv,
): Promise<Outputs | undefined> {
  if (file !== undefined) return outputsFromFile(file);
  const { CI_API_V4_URL: apiUrl, CI_PROJECT_ID: projectId, CI_JOB_TOKEN: jobToken } = env;
  if (apiUrl === undefined || projectId === undefined || jobToken === undefined) {
    throw new UsageError(
      "pass --outputs <file> (tofu output -json), or run in CI (CI_API_V4_URL, CI_PROJECT_ID, CI_JOB_TOKEN)",
    );
  }
  return outputsFromGitLab({ apiUrl, projectId, stateName, jobToken });
}
