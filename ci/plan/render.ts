/**
 * Renders one environment's plan as the Markdown note(s) posted on the merge
 * request. A note never hides a change:
 *
 * 1. the header: hidden marker, title with counts, commit and pipeline,
 *    validation result, the MR widget's counts, destroy/replace/drift warnings;
 * 2. the list: every changed address with its action, grouped per provider,
 *    then imports, moves, forgets, output changes and changes outside
 *    Terraform (drift), each in its own section;
 * 3. the details: changed attribute paths before → after (long values as line
 *    diffs), all known attributes of creates, identifying attributes of
 *    deletes.
 *
 * Within GitLab's 1,000,000-character limit, details are dropped first (and
 * counted); when the list alone does not fit, it is split over numbered
 * notes, each with its own marker so it is updated in place; past
 * `maxParts` notes the rest is counted and linked to the rendered artifact.
 */
import { changeLines, createdLines, INLINE_VALUE_CHARS, identifyingText, lineDiff, prettyText } from "./attributes";
import { code, escapeHtml, plural } from "./markdown";
import { ACTION_ORDER, type Action, type Change, classify, type Plan, providerOf, type ResourceChange } from "./plan";
import { terraformReport } from "./report";
import { markKnownSecrets } from "./secrets";
import { prepare, valueText } from "./values";

/** GitLab refuses notes longer than this many characters. */
export const GITLAB_NOTE_LIMIT = 1_000_000;

/** Provider groups with more entries than this start collapsed (their counts stay in the summary line). */
export const COLLAPSE_AFTER = 10;

/** Most notes one plan is split over; the rest of the list is counted and linked. */
export const MAX_NOTE_PARTS = 10;

/** Room kept at the end of each note for notices (plus the URLs they link). */
const NOTICE_RESERVE = 800;

/** After this many detail blocks in a row did not fit, the rest are counted without being rendered. */
const DETAIL_MISSES_BEFORE_GIVING_UP = 50;

/** What the credential-free validate job found. */
export interface ValidateResult {
  readonly status: "passed" | "failed";
  /** The validate job. @default - no link */
  readonly jobUrl?: string;
}

export interface NoteOptions {
  /** Environment name: in the hidden marker (one note per environment) and the title. */
  readonly environment: string;
  /** URL of the job that made the plan, linked from the note. @default - no link */
  readonly jobUrl?: string;
  /** Commit the plan is for (CI_COMMIT_SHA). @default - not named */
  readonly commitSha?: string;
  /** Pipeline that made the plan (CI_PIPELINE_URL). @default - not linked */
  readonly pipelineUrl?: string;
  /** Pipeline id, the link text (CI_PIPELINE_ID). @default - "pipeline" */
  readonly pipelineId?: string;
  /** Result of `validate:<env>`. @default - "not run" */
  readonly validate?: ValidateResult;
  /** The full rendered note (artifact), linked when anything is left out. @default - the plan job's artifacts */
  readonly artifactUrl?: string;
  /** Longest note, in characters. @default GITLAB_NOTE_LIMIT */
  readonly maxLength?: number;
  /** Most notes to split the list over. @default MAX_NOTE_PARTS */
  readonly maxParts?: number;
}

/** Counted actions, in the order the note and the table show them. */
export const COUNTED_ACTIONS = ["create", "update", "replace", "delete", "read"] as const;
/** Counted only when present. */
const OPTIONAL_COUNTS = ["forget", "import", "move"] as const;
export type Counts = Record<(typeof COUNTED_ACTIONS)[number] | (typeof OPTIONAL_COUNTS)[number], number>;

/**
 * The hidden first line that identifies one note of an environment, so a
 * later pipeline updates it instead of adding another. Part 1 is the main
 * note; parts 2 and up continue its list.
 */
export function noteMarker(environment: string, part = 1): string {
  const suffix = part === 1 ? "" : ` part=${part}`;
  return `<!-- multicloud-blueprint plan-note environment=${environment}${suffix} -->`;
}

/** The start every part's marker of one environment shares (and no other environment's). */
export function noteMarkerPrefix(environment: string): string {
  return `<!-- multicloud-blueprint plan-note environment=${environment} `;
}

/** A resource change as the note lists it: what happens, and what else is worth naming. */
interface Entry {
  readonly rc: ResourceChange;
  /** The verb shown: an action, or `import` / `move` for objects that otherwise stay as they are. */
  readonly label: Action | "import" | "move";
  readonly action: Action;
  readonly order?: "create-before-destroy" | "destroy-before-create";
}

function isMoved(rc: ResourceChange): boolean {
  return rc.previous_address !== undefined && rc.previous_address !== rc.address;
}

/** Every resource change a reviewer must see: anything but a plain no-op (imports and moves included). */
export function reviewedEntries(plan: Plan): Entry[] {
  const entries: Entry[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const { action, order } = classify(rc.change.actions);
    const importing = rc.change.importing !== undefined;
    if (action === "no-op" && !importing && !isMoved(rc)) continue;
    const label = action !== "no-op" ? action : importing ? "import" : "move";
    entries.push({ rc, label, action, order });
  }
  return entries;
}

export function countActions(plan: Plan): Counts {
  const counts: Counts = { create: 0, update: 0, replace: 0, delete: 0, read: 0, forget: 0, import: 0, move: 0 };
  for (const entry of reviewedEntries(plan)) {
    if (entry.action !== "no-op") counts[entry.action] += 1;
    if (entry.rc.change.importing !== undefined) counts.import += 1;
    if (isMoved(entry.rc)) counts.move += 1;
  }
  return counts;
}

const VERB: Record<keyof Counts, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  read: "to read",
  forget: "to forget",
  import: "to import",
  move: "moved",
};

function shownCounts(counts: Counts): (keyof Counts)[] {
  return [...COUNTED_ACTIONS, ...OPTIONAL_COUNTS.filter((action) => counts[action] > 0)];
}

function summaryLine(counts: Counts): string {
  return shownCounts(counts)
    .map((action) => `${counts[action]} ${VERB[action]}`)
    .join(", ");
}

function countsTable(counts: Counts): string {
  const columns = shownCounts(counts);
  const head = columns.map((action) => ` ${action} `).join("|");
  const rule = columns.map(() => " ---: ").join("|");
  const row = columns.map((action) => ` ${counts[action]} `).join("|");
  return `|${head}|\n|${rule}|\n|${row}|\n\n`;
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: "an argument cannot be updated in place",
  replace_because_tainted: "the object is tainted",
  replace_by_request: "replacement was requested",
  replace_by_triggers: "a replace_triggered_by reference changed",
  delete_because_no_resource_config: "no longer in the configuration",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "count/for_each changed shape",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "its moved target does not exist",
  read_because_config_unknown: "its configuration is known only after apply",
  read_because_dependency_pending: "a dependency has pending changes",
  read_because_check_nested: "a check block reads it",
};

function reasonText(rc: ResourceChange): string | undefined {
  return rc.action_reason === undefined ? undefined : (REASONS[rc.action_reason] ?? rc.action_reason);
}

function pathList(paths: readonly (readonly (string | number)[])[]): string {
  return paths
    .map((path) => code(path.map((part) => (typeof part === "number" ? `[${part}]` : part)).join(".")))
    .join(", ");
}

/** What a replacement does, e.g. "create before destroy, forced by `port`". */
function replaceDetail(entry: Entry): string {
  const order = entry.order === "destroy-before-create" ? "destroy before create (downtime)" : "create before destroy";
  const forced = entry.rc.change.replace_paths ?? [];
  return forced.length > 0 ? `${order}, forced by ${pathList(forced)}` : order;
}

/** The resource's address plus moved/import/deposed remarks. */
function addressText(rc: ResourceChange): string {
  const notes: string[] = [];
  if (isMoved(rc)) notes.push(`moved from ${code(rc.previous_address as string)}`);
  if (rc.change.importing !== undefined) {
    notes.push(rc.change.importing.id === undefined ? "import" : `import id ${code(rc.change.importing.id)}`);
  }
  if (rc.deposed !== undefined) notes.push(`deposed object ${code(rc.deposed)}`);
  return notes.length > 0 ? `${code(rc.address)} (${notes.join("; ")})` : code(rc.address);
}

/** The one-line list entry of a resource change. */
function listEntry(entry: Entry): string {
  let line = `- **${entry.label}** ${addressText(entry.rc)}`;
  if (entry.action === "replace") line += `: ${replaceDetail(entry)}`;
  const reason = reasonText(entry.rc);
  if (reason !== undefined && entry.action !== "replace") line += ` (${reason})`;
  return `${line}\n`;
}

function rank(label: Entry["label"]): number {
  const index = (ACTION_ORDER as readonly string[]).indexOf(label);
  return index === -1 ? ACTION_ORDER.length : index;
}

function byActionThenAddress(a: Entry, b: Entry): number {
  return rank(a.label) - rank(b.label) || a.rc.address.localeCompare(b.rc.address);
}

function groupCounts(entries: readonly Entry[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.label, (counts.get(entry.label) ?? 0) + 1);
  return [...counts.entries()].map(([label, count]) => `${count} ${VERB[label as keyof Counts] ?? label}`).join(", ");
}

/** A list section: its entries may be spread over several notes, its frame repeated in each. */
interface Section {
  /** Opening text; `continued` when it resumes in a later note. */
  readonly open: (continued: boolean) => string;
  readonly close: string;
  readonly entries: readonly string[];
}

function plainSection(title: string, entries: readonly string[]): Section {
  return {
    open: (continued) => `#### ${title}${continued ? " (continued)" : ""}\n\n`,
    close: "\n",
    entries,
  };
}

/** The entries a reviewer must see, in note order. */
function listSections(plan: Plan, entries: readonly Entry[]): Section[] {
  const sections: Section[] = [];
  const providers = new Map<string, Entry[]>();
  for (const entry of [...entries].sort(byActionThenAddress)) {
    const provider = providerOf(entry.rc);
    const group = providers.get(provider);
    if (group === undefined) providers.set(provider, [entry]);
    else group.push(entry);
  }
  let first = true;
  for (const [provider, group] of [...providers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const heading = first ? "#### Changes by provider\n\n" : "";
    first = false;
    const summary = `<b>${escapeHtml(provider)}</b>: ${groupCounts(group)}`;
    sections.push({
      open: (continued) =>
        `${continued ? "" : heading}<details${group.length <= COLLAPSE_AFTER ? " open" : ""}>\n<summary>${summary}${continued ? " (continued)" : ""}</summary>\n\n`,
      close: "\n</details>\n\n",
      entries: group.map(listEntry),
    });
  }
  const imports = entries.filter((entry) => entry.rc.change.importing !== undefined);
  if (imports.length > 0) {
    sections.push(
      plainSection(
        `Imports (${imports.length})`,
        imports.map(({ rc }) => {
          const id = rc.change.importing?.id;
          return `- ${code(rc.address)}${id === undefined ? "" : ` from id ${code(id)}`}\n`;
        }),
      ),
    );
  }
  const moves = entries.filter((entry) => isMoved(entry.rc));
  if (moves.length > 0) {
    sections.push(
      plainSection(
        `Moves (${moves.length})`,
        moves.map(({ rc }) => `- ${code(rc.previous_address as string)} → ${code(rc.address)}\n`),
      ),
    );
  }
  const forgets = entries.filter((entry) => entry.action === "forget");
  if (forgets.length > 0) {
    sections.push(
      plainSection(
        `Forgets (${forgets.length}): removed from the state, the objects are kept`,
        forgets.map(({ rc }) => `- ${code(rc.address)}\n`),
      ),
    );
  }
  const outputs = outputChanges(plan);
  if (outputs.length > 0) {
    sections.push(plainSection(`Output changes (${outputs.length})`, outputs.map(outputEntry)));
  }
  const drift = driftChanges(plan);
  if (drift.length > 0) {
    sections.push(
      plainSection(
        `Changes outside Terraform (${drift.length}): drift, not part of this merge request`,
        drift.map((rc) => {
          const deleted = classify(rc.change.actions).action === "delete";
          return `- ${code(rc.address)}: ${deleted ? "deleted" : "changed"} outside Terraform\n`;
        }),
      ),
    );
  }
  return sections;
}

function outputChanges(plan: Plan): [string, Change][] {
  return Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => classify(change.actions).action !== "no-op")
    .sort(([a], [b]) => a.localeCompare(b));
}

function outputValues(change: Change): { before: unknown; after: unknown } {
  return {
    before: prepare(change.before ?? undefined, change.before_sensitive),
    after: prepare(change.after ?? undefined, change.after_sensitive, change.after_unknown),
  };
}

function isShort(value: unknown): boolean {
  return valueText(value).length <= INLINE_VALUE_CHARS && !(typeof value === "string" && value.includes("\n"));
}

function outputEntry([name, change]: [string, Change]): string {
  const { action } = classify(change.actions);
  const { before, after } = outputValues(change);
  if (!isShort(before) || !isShort(after))
    return `- **${action}** ${code(name)} (long value: changed lines in the details)\n`;
  const value =
    action === "create"
      ? code(valueText(after))
      : action === "delete"
        ? code(valueText(before))
        : `${code(valueText(before))} → ${code(valueText(after))}`;
  return `- **${action}** ${code(name)}: ${value}\n`;
}

function driftChanges(plan: Plan): ResourceChange[] {
  return (plan.resource_drift ?? [])
    .filter((rc) => classify(rc.change.actions).action !== "no-op")
    .sort((a, b) => a.address.localeCompare(b.address));
}

/** A detail block, with the priority it gets when space runs out (lower is kept first). */
interface Detail {
  /** 0: changed values (updates, replacements, outputs, drift), 1: deletions, 2: creations. */
  readonly priority: number;
  readonly render: () => string;
  /** Its rank among the blocks of the same priority and provider: providers take turns, none crowds out another. */
  rank?: number;
}

function resourceDetail(entry: Entry): Detail | undefined {
  const { rc, action } = entry;
  const head = `- **${entry.label}** ${code(rc.address)}`;
  if (action === "update" || action === "replace" || (action === "no-op" && rc.change.before !== undefined)) {
    return {
      priority: 0,
      render: () => {
        const lines = changeLines(rc.change, "  ");
        return lines === "" ? "" : `${head}\n${lines}`;
      },
    };
  }
  if (action === "delete" || action === "forget") {
    return {
      priority: 1,
      render: () => {
        const ids = identifyingText(rc.change);
        return ids === "" ? "" : `${head}: ${ids}\n`;
      },
    };
  }
  if (action === "create") {
    return {
      priority: 2,
      render: () =>
        `\n<details>\n<summary>create <code>${escapeHtml(rc.address)}</code></summary>\n\n${createdLines(rc.change, "")}\n</details>\n\n`,
    };
  }
  return undefined;
}

function outputDetail([name, change]: [string, Change]): Detail | undefined {
  const { before, after } = outputValues(change);
  if (isShort(before) && isShort(after)) return undefined;
  return {
    priority: 0,
    render: () => `- output ${code(name)}:\n\n${lineDiff(prettyText(before), prettyText(after), "  ")}\n`,
  };
}

function driftDetail(rc: ResourceChange): Detail {
  return {
    priority: 0,
    render: () => {
      const lines = changeLines(rc.change, "  ");
      return lines === "" ? "" : `- outside Terraform: ${code(rc.address)}\n${lines}`;
    },
  };
}

function details(plan: Plan, entries: readonly Entry[]): Detail[] {
  // The list's order: by provider, then most destructive first.
  const keyed = entries.map((entry) => ({ entry, provider: providerOf(entry.rc) }));
  keyed.sort((a, b) => a.provider.localeCompare(b.provider) || byActionThenAddress(a.entry, b.entry));
  const groups: string[] = [];
  const all: (Detail | undefined)[] = keyed.map(({ entry, provider }) => {
    groups.push(provider);
    return resourceDetail(entry);
  });
  for (const detail of outputChanges(plan).map(outputDetail)) {
    groups.push("(outputs)");
    all.push(detail);
  }
  for (const detail of driftChanges(plan).map(driftDetail)) {
    groups.push("(drift)");
    all.push(detail);
  }
  const seen = new Map<string, number>();
  const blocks: Detail[] = [];
  for (const [index, detail] of all.entries()) {
    if (detail === undefined) continue;
    const key = `${detail.priority} ${groups[index]}`;
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    blocks.push({ ...detail, rank });
  }
  return blocks;
}

function header(plan: Plan, options: NoteOptions, counts: Counts, changed: boolean, outputs: number): string {
  const env = code(options.environment);
  const at = options.commitSha === undefined ? "" : ` at ${code(options.commitSha.slice(0, 8))}`;
  let title = summaryLine(counts);
  if (!changed) title = outputs === 0 ? "no changes" : `no resource changes, ${plural(outputs, "output change")}`;
  let text = `${noteMarker(options.environment)}\n### Plan for ${env}${at}: ${title}\n\n`;
  const facts: string[] = [];
  if (options.commitSha !== undefined) facts.push(`commit ${code(options.commitSha)}`);
  if (options.pipelineUrl !== undefined) {
    facts.push(
      `pipeline [${options.pipelineId === undefined ? "" : "#"}${options.pipelineId ?? "link"}](${options.pipelineUrl})`,
    );
  }
  if (options.jobUrl !== undefined) facts.push(`planned in [this job](${options.jobUrl})`);
  if (plan.terraform_version !== undefined) facts.push(`OpenTofu/Terraform ${code(plan.terraform_version)}`);
  if (facts.length > 0) text += `${facts.join(" · ")}. Updated on every push.\n\n`;
  text += `${validateLine(options.validate)}\n\n`;
  if (plan.errored === true) text += "> :no_entry: **The plan errored**: the list below may be incomplete.\n\n";
  if (changed) {
    text += countsTable(counts);
    const widget = terraformReport(plan);
    text += `The merge-request widget counts a replacement as one create and one delete: ${widget.create} to add, ${widget.update} to change, ${widget.delete} to destroy.\n\n`;
  }
  if (counts.delete > 0) text += `> :warning: **${plural(counts.delete, "resource")} will be destroyed**\n\n`;
  if (counts.replace > 0) {
    text += `> :warning: **${plural(counts.replace, "resource")} will be replaced** (destroyed and created again)\n\n`;
  }
  const drift = driftChanges(plan).length;
  if (drift > 0)
    text += `> :warning: **${plural(drift, "resource")} changed outside Terraform** (drift, listed below)\n\n`;
  return text;
}

function validateLine(validate: ValidateResult | undefined): string {
  const what = "Validation without credentials (`validate` + `test` against mock providers)";
  if (validate === undefined) return `${what}: not run.`;
  const link = validate.jobUrl === undefined ? "" : ` ([job](${validate.jobUrl}))`;
  return validate.status === "passed"
    ? `${what}: :white_check_mark: passed${link}.`
    : `${what}: :x: **failed**${link}.`;
}

function elsewhere(options: NoteOptions): string {
  const artifact = options.artifactUrl === undefined ? "" : `the [rendered plan](${options.artifactUrl}), `;
  const job = options.jobUrl === undefined ? "the plan job's" : `the [plan job](${options.jobUrl})'s`;
  return `${artifact}${job} log and its \`plan.json\` artifact`;
}

const LIMIT_TEXT = `GitLab's ${GITLAB_NOTE_LIMIT.toLocaleString("en-US")}-character note limit`;

/** Keeps whole detail blocks while they fit in `room`, most telling first, then writes them in note order. */
function fitDetails(blocks: readonly Detail[], room: number): { text: string; omitted: number } {
  const kept = new Map<number, string>();
  let used = 0;
  let omitted = 0;
  let misses = 0;
  const order = blocks
    .map((_, index) => index)
    .sort((a, b) => blocks[a].priority - blocks[b].priority || (blocks[a].rank ?? 0) - (blocks[b].rank ?? 0) || a - b);
  for (const index of order) {
    if (misses >= DETAIL_MISSES_BEFORE_GIVING_UP || room - used < 64) {
      omitted += 1;
      continue;
    }
    const text = blocks[index].render();
    if (text === "") continue;
    if (used + text.length > room) {
      omitted += 1;
      misses += 1;
      continue;
    }
    misses = 0;
    kept.set(index, text);
    used += text.length;
  }
  const text = [...kept.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, block]) => block)
    .join("");
  return { text, omitted };
}

/** Spreads the list over notes of at most `capacity` characters; `first` starts the first one. */
function splitList(
  sections: readonly Section[],
  first: string,
  continuation: (part: number) => string,
  capacity: number,
  maxParts: number,
): { parts: string[]; placed: number } {
  const parts: string[] = [];
  let current = first;
  let fresh = ""; // the start of a continuation note: an entry is placed there even if it alone is too long
  let placed = 0;
  for (const section of sections) {
    let open = false;
    let started = false;
    for (const entry of section.entries) {
      const frame = open ? "" : section.open(started);
      if (current.length + frame.length + entry.length + section.close.length > capacity && current !== fresh) {
        if (open) current += section.close;
        parts.push(current);
        if (parts.length >= maxParts) return { parts, placed };
        current = continuation(parts.length + 1);
        fresh = current;
        open = false;
      }
      if (!open) {
        current += section.open(started);
        open = true;
        started = true;
      }
      current += entry;
      placed += 1;
    }
    if (open) current += section.close;
  }
  parts.push(current);
  return { parts, placed };
}

/**
 * The note(s) for one environment: one note when the list fits, otherwise
 * numbered notes; each at most `maxLength` characters and starting with its
 * own marker.
 */
export function renderNotes(rawPlan: Plan, options: NoteOptions): string[] {
  const plan = markKnownSecrets(rawPlan);
  const maxLength = options.maxLength ?? GITLAB_NOTE_LIMIT;
  const maxParts = options.maxParts ?? MAX_NOTE_PARTS;
  const entries = reviewedEntries(plan);
  const counts = countActions(plan);
  const outputs = outputChanges(plan).length;
  const top = header(plan, options, counts, entries.length > 0, outputs);
  const sections = listSections(plan, entries);
  const reserve = NOTICE_RESERVE + 2 * ((options.jobUrl?.length ?? 0) + (options.artifactUrl?.length ?? 0));
  const capacity = maxLength - reserve;
  const list = sections.map((section) => section.open(false) + section.entries.join("") + section.close).join("");

  if (top.length + list.length <= capacity) {
    const blocks = details(plan, entries);
    const heading = "#### Details\n\n";
    const fitted = fitDetails(blocks, capacity - top.length - list.length - heading.length);
    let note = top + list + (fitted.text === "" ? "" : heading + fitted.text);
    if (fitted.omitted > 0) {
      note +=
        `\n---\n:scissors: **Details of ${fitted.omitted} of ${blocks.length} changes are not shown** to stay under ${LIMIT_TEXT}; ` +
        `every change is still listed above. All details: ${elsewhere(options)}.\n`;
    }
    return [note];
  }

  // The list itself does not fit: no details, the list over numbered notes.
  const total = sections.reduce((sum, section) => sum + section.entries.length, 0);
  const PARTS = "\u0001parts\u0001";
  const first = `${top}> :page_facing_up: **The list of ${total} changes is split over ${PARTS} notes** (this is part 1); attribute details are in ${elsewhere(options)}.\n\n`;
  const at = options.commitSha === undefined ? "" : ` at ${code(options.commitSha.slice(0, 8))}`;
  const continuation = (part: number) =>
    `${noteMarker(options.environment, part)}\n### Plan for ${code(options.environment)}${at}, part ${part} of ${PARTS}\n\n`;
  const { parts, placed } = splitList(sections, first, continuation, capacity, maxParts);
  const missing = total - placed;
  if (missing > 0) {
    parts[parts.length - 1] +=
      `\n---\n:scissors: **${missing} of ${total} changes are not listed in these ${parts.length} notes** (${LIMIT_TEXT}, at most ${maxParts} notes). ` +
      `They are in ${elsewhere(options)}.\n`;
  }
  return parts.map(
    (part, index) =>
      `${part.replaceAll(PARTS, String(parts.length))}${index < parts.length - 1 ? `\n_Continued in part ${index + 2}._\n` : ""}`,
  );
}

/** The whole plan in one document with every detail (the rendered-plan artifact), no length limit. */
export function renderFullNote(plan: Plan, options: NoteOptions): string {
  return renderNotes(plan, { ...options, maxLength: Number.MAX_SAFE_INTEGER, maxParts: 1 })[0];
}

/** The note that replaces the plan of an environment whose plan job failed. */
export function renderFailedNote(options: NoteOptions): string {
  const at = options.commitSha === undefined ? "" : ` at ${code(options.commitSha)}`;
  const job = options.jobUrl === undefined ? "The plan job" : `The [plan job](${options.jobUrl})`;
  const pipeline =
    options.pipelineUrl === undefined
      ? ""
      : ` in pipeline [${options.pipelineId === undefined ? "link" : `#${options.pipelineId}`}](${options.pipelineUrl})`;
  return (
    `${noteMarker(options.environment)}\n### Plan for ${code(options.environment)}: plan failed${at}\n\n` +
    `> :no_entry: ${job} failed${pipeline}. No plan is shown: the plan this note showed before is out of date. ` +
    "Read the job log, fix the cause and push again.\n\n" +
    `${validateLine(options.validate)}\n`
  );
}

/** The drift issue of an environment, from a `plan -refresh-only` plan. */
export interface DriftIssueText {
  /** Whether anything changed outside Terraform. */
  readonly drifted: boolean;
  readonly marker: string;
  readonly title: string;
  readonly description: string;
  readonly resolvedComment: string;
}

/** Renders the drift issue of one environment (GitLab's description limit is the note limit here too). */
export function renderDriftIssue(rawPlan: Plan, options: NoteOptions): DriftIssueText {
  const plan = markKnownSecrets(rawPlan);
  const env = code(options.environment);
  const drift = driftChanges(plan);
  const marker = `<!-- multicloud-blueprint drift environment=${options.environment} -->`;
  const at = options.commitSha === undefined ? "" : ` at commit ${code(options.commitSha)}`;
  const job = options.jobUrl === undefined ? "the drift job" : `[the drift job](${options.jobUrl})`;
  const list = drift
    .map((rc) => {
      const deleted = classify(rc.change.actions).action === "delete";
      return `- ${code(rc.address)}: ${deleted ? "deleted" : "changed"} outside Terraform\n`;
    })
    .join("");
  const top =
    `${marker}\n### ${plural(drift.length, "resource")} in ${env} changed outside Terraform\n\n` +
    `Found by ${job}${at} (\`plan -refresh-only\`: the live infrastructure differs from the state; changes waiting in the code are not drift). ` +
    "Either bring the code in line with the change and merge, or let the next deploy undo it. This issue is updated by every check and closed when the drift is gone.\n\n" +
    `${list}\n`;
  const capacity = (options.maxLength ?? GITLAB_NOTE_LIMIT) - NOTICE_RESERVE;
  const heading = "#### What changed\n\n";
  const fitted = fitDetails(drift.map(driftDetail), capacity - top.length - heading.length);
  let description = top + (fitted.text === "" ? "" : heading + fitted.text);
  if (fitted.omitted > 0) {
    description += `\n---\n:scissors: Details of ${fitted.omitted} of ${drift.length} resources are not shown (${LIMIT_TEXT}); they are in the drift job's \`drift.json\` artifact.\n`;
  }
  return {
    drifted: drift.length > 0,
    marker,
    title: `Drift in ${options.environment}: ${plural(drift.length, "resource")} changed outside Terraform`,
    description,
    resolvedComment: `No drift in ${env}${at} (${job}): closing.`,
  };
}

/** One rollout step's saved plan (plan-steps:<env>): what promote or rollback would apply. */
export interface StepPlan {
  /** Step name: `promote`, `rollback`. */
  readonly step: string;
  readonly plan: Plan;
}

/**
 * The note of an environment's rollout steps, planned in the pipeline that
 * deployed: a section per step with its counts and every changed address,
 * like the list of the main note (no attribute details: the step's full text
 * plan is in the same job's artifacts).
 */
export function renderStepsNote(steps: readonly StepPlan[], options: NoteOptions): string {
  const env = code(options.environment);
  const at = options.commitSha === undefined ? "" : ` at ${code(options.commitSha.slice(0, 8))}`;
  let text = `${noteMarker(`${options.environment}-steps`)}\n### Rollout plans for ${env}${at}\n\n`;
  const facts: string[] = [];
  if (options.pipelineUrl !== undefined) {
    facts.push(
      `pipeline [${options.pipelineId === undefined ? "" : "#"}${options.pipelineId ?? "link"}](${options.pipelineUrl})`,
    );
  }
  if (options.jobUrl !== undefined) facts.push(`planned in [this job](${options.jobUrl})`);
  facts.push("each step applies its saved plan as shown, and refuses once another pipeline deployed");
  text += `${facts.join(" · ")}.\n\n`;
  for (const { step, plan: rawPlan } of steps) {
    const plan = markKnownSecrets(rawPlan);
    const entries = reviewedEntries(plan);
    const counts = countActions(plan);
    text += `#### ${step}: ${entries.length === 0 ? "no changes" : summaryLine(counts)}\n\n`;
    if (plan.errored === true) text += "> :no_entry: **The plan errored**: the list below may be incomplete.\n\n";
    if (entries.length === 0) continue;
    text += countsTable(counts);
    if (counts.delete > 0) text += `> :warning: **${plural(counts.delete, "resource")} will be destroyed**\n\n`;
    if (counts.replace > 0) text += `> :warning: **${plural(counts.replace, "resource")} will be replaced**\n\n`;
    text += `${[...entries].sort(byActionThenAddress).map(listEntry).join("")}\n`;
  }
  return text;
}
