/**
 * `npm run ci:rehearse -- <kind>`: rehearses one kind of pipeline of a clean
 * clone of this repository's HEAD (ci/rehearse/rehearse.ts) and prints the
 * table: job, result, seconds, what each stub and the fake GitLab were asked.
 * Exit 0 when the rehearsal passed, 1 when it found a problem or a
 * prerequisite is missing, 2 on bad arguments.
 */

import { formatColumns } from "../../tools/columns";
import { booleanOption, command, listOption, main, stringOption, UsageError } from "../../tools/command";
import { CHILD_PIPELINE_THRESHOLD } from "../pipeline/children";
import { KINDS, type Kind } from "./kinds";
import { type JobResult, type RehearsalResult, rehearse } from "./rehearse";
import { rehearseSplit } from "./split";

/** `tool sub1 sub2×3` per tool, then the GitLab API calls: what the job asked each stub, in order. */
export function describeCalls(job: JobResult): string {
  const byTool = new Map<string, string[]>();
  for (const call of job.calls) {
    const sub =
      call.tool === "curl"
        ? new URL(call.args.find((a) => a.startsWith("https://")) ?? "https://-").host
        : (call.args.find((a) => !a.startsWith("-")) ?? "");
    const word = call.outcome === "refused" ? `${sub} REFUSED` : sub;
    byTool.set(call.tool, [...(byTool.get(call.tool) ?? []), word]);
  }
  const api = job.requests.map((r) => {
    const path = r.path.replace(/^\/api\/v4\/projects\/[^/]+\//, "").replace(/^\/api\/v4\//, "");
    const resource = path
      .replace(/^terraform\/state\/([^/]+)\/lock$/, "lock $1")
      .replace(/^terraform\/state\/([^/]+)$/, "state $1")
      .replace(/^merge_requests\/\d+\/notes(\/\d+)?$/, "MR note")
      .replace(/^issues(\/\d+)?(\/notes)?$/, "issue");
    return `${r.method} ${resource}`;
  });
  const parts = [...byTool.entries()].map(([tool, words]) => `${tool} ${counted(words)}`);
  if (api.length > 0) parts.push(`GitLab ${counted(api)}`);
  const queries = job.analyticsQueries ?? 0;
  if (queries > 0) parts.push(`Cloudflare Analytics SQL${queries > 1 ? `×${queries}` : ""}`);
  return parts.length === 0 ? "-" : parts.join("; ");
}

/** Words in first-seen order, repeats as `word×n`. */
function counted(words: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts.entries()].map(([word, n]) => (n === 1 ? word : `${word}×${n}`)).join(", ");
}

export function formatResult(result: RehearsalResult): string {
  if (!result.pipeline) return `No ${result.kind} pipeline: workflow:rules create none for it.`;
  const rows = [
    ["job", "result", "s", "asked"],
    ...result.jobs.map((j) => [
      j.name,
      j.reason === undefined || j.outcome === "failed" ? j.outcome : `${j.outcome} (${j.reason})`,
      j.seconds.toFixed(1),
      describeCalls(j),
    ]),
  ];
  return formatColumns(rows, new Set([2]));
}

const kindOf = (text: string): Kind => {
  if (!(KINDS as readonly string[]).includes(text)) {
    throw new UsageError(`give one kind of pipeline: ${KINDS.join(", ")}, not ${text}`);
  }
  return text as Kind;
};

export const rehearseCommand = command({
  name: "ci:rehearse",
  summary: "Rehearse one kind of pipeline of a clean clone of HEAD",
  usage: "<kind> [options]",
  description: `Runs the generated .gitlab-ci.yml of a clean clone of this repository's HEAD
(committed files only) job by job through gitlab-ci-local's shell executor
(--shell-isolation: each job sees the tracked files and the artifacts of its
needs), with the predefined variables of <kind>, manual jobs played in
operator order (deploy, promote, rollback). tofu, BuildKit, crane, the cloud
CLIs, curl's token exchanges and apk are recording stubs; GitLab is a fake on
loopback (notes, Terraform state with locks, issues, deployments); origins and
edges are loopback servers. \`npm ci\` in a job links this repository's
node_modules after checking package-lock.json is the same.

Kinds: ${KINDS.join(", ")}`,
  options: {
    skip: listOption(
      "<job>",
      "leave a job out, as if its rules excluded it (repeatable),\ne.g. --skip verify (the test suite) for a quicker run",
    ),
    "failing-origin": stringOption("<id>", "make one origin (aws.function, ...) fail its canary's health check"),
    "failing-canary": stringOption(
      "<id>",
      "make one origin's canary pass its probes but fail real requests: the\nedge's signal for the new release shows it (verify's canary analysis)",
    ),
    "notes-refused": stringOption("<code>", "the fake GitLab answers merge-request note requests with this status"),
    keep: booleanOption("keep the temporary folder (job logs, artifacts)"),
    environments: stringOption(
      "<n>",
      "rehearse the split pipeline of <n> generated environments instead\n(more than CHILD_PIPELINE_THRESHOLD): the parent and every child\nfile read by gitlab-ci-local with the kind's variables, the child\nfiles written by the pipelines job's script; no job runs (ci/rehearse/split.ts)",
    ),
  },
  positionals: { min: 1, max: 1, help: `one kind of pipeline: ${KINDS.join(", ")}` },
  notes: `Fails (exit 1) when a job fails, when a job reads a path no earlier job wrote,
when a job never runs, when the digest build reported is not the one in every
target of the synthesized stacks, when a merge-request pipeline reads a
protected environment's state, or when a prerequisite is missing (git, rsync).
Bad usage: exit 2.`,
  async run({ values, positionals }, io) {
    const kind = kindOf(positionals[0]);
    const refused = values["notes-refused"] === undefined ? undefined : Number(values["notes-refused"]);
    if (refused !== undefined && !(Number.isInteger(refused) && refused >= 400 && refused <= 599)) {
      throw new UsageError(`--notes-refused takes an HTTP error status (400-599), not ${values["notes-refused"]}`);
    }
    if (values.environments !== undefined) {
      const count = Number(values.environments);
      if (!Number.isInteger(count) || count <= CHILD_PIPELINE_THRESHOLD || count > 500) {
        throw new UsageError(
          `--environments takes ${CHILD_PIPELINE_THRESHOLD + 1}-500 (a split pipeline), not ${values.environments}`,
        );
      }
      const split = await rehearseSplit(kind, count);
      const planned = (jobs: readonly { when: string }[]) => jobs.filter((j) => j.when !== "never").length;
      io.out(`parent: ${planned(split.parent)} of ${split.parent.length} jobs run`);
      for (const [file, jobs] of Object.entries(split.children))
        io.out(`${file}: ${planned(jobs)} of ${jobs.length} jobs run`);
      if (split.problems.length > 0) {
        io.out(`Rehearsal of the split ${kind} pipeline FAILED (${split.seconds.toFixed(0)} s):`);
        for (const problem of split.problems) io.out(`  - ${problem}`);
        return 1;
      }
      io.out(
        `Rehearsal of the split ${kind} pipeline of ${count} environments passed (${split.seconds.toFixed(0)} s).`,
      );
      return 0;
    }
    const result = await rehearse({
      kind,
      skip: values.skip,
      failingOrigin: values["failing-origin"],
      failingCanary: values["failing-canary"],
      notesRefused: refused,
      keep: values.keep === true,
      progress: (line) => io.err(line),
    });
    io.out(formatResult(result));
    io.out("");
    for (const job of result.jobs.filter((j) => j.outcome === "failed")) {
      io.out(`--- ${job.name} (last lines of its log)\n${job.logTail ?? ""}\n`);
    }
    if (values.keep === true) io.out(`Kept ${result.workdir}`);
    if (result.problems.length > 0) {
      io.out(`Rehearsal of the ${kind} pipeline FAILED (${result.seconds.toFixed(0)} s):`);
      for (const problem of result.problems) io.out(`  - ${problem}`);
      return 1;
    }
    io.out(
      `Rehearsal of the ${kind} pipeline passed (${result.seconds.toFixed(0)} s, commit ${result.commit.slice(0, 8)}).`,
    );
    return 0;
  },
});

if (require.main === module) main(rehearseCommand);
