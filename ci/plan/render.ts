/**
 * Renders one environment's plan as the Markdown note posted on the merge
 * request. Order of the note, most important first, so truncation only ever
 * drops detail: hidden marker, title and counts, job link, destroy and
 * replace warnings, drift warning, changes grouped by provider, output
 * changes, drift details, then a truncation notice if anything was left out.
 */
import { BoundedDocument, code, escapeHtml, type ListSection, plural } from "./markdown";
import {
  ACTION_ORDER,
  type Action,
  type Change,
  type Classified,
  classify,
  effectiveChanges,
  type Plan,
  providerOf,
  type ResourceChange,
} from "./plan";
import { childMask, childValue, displayValue, jsonEqual, keysOf, marksAny } from "./values";

/** GitLab refuses notes longer than this many characters. */
export const GITLAB_NOTE_LIMIT = 1_000_000;

/** Sections with more entries than this start collapsed. */
export const COLLAPSE_AFTER = 10;

/** Attribute lines shown per resource before "and N more". */
export const MAX_ATTRIBUTES_PER_RESOURCE = 40;

/** Room kept for the truncation notice at the end (plus twice the job URL, which it links). */
const NOTICE_RESERVE = 400;

export interface NoteOptions {
  /** Environment name: in the hidden marker (one note per environment) and the title. */
  readonly environment: string;
  /** URL of the job that made the plan, linked from the note. @default - no link */
  readonly jobUrl?: string;
  /** Longest note, in characters. @default GITLAB_NOTE_LIMIT */
  readonly maxLength?: number;
}

/** Counted actions, in the order the note and the table show them. */
export const COUNTED_ACTIONS = ["create", "update", "replace", "delete", "read"] as const;
export type Counts = Record<(typeof COUNTED_ACTIONS)[number] | "forget", number>;

/**
 * The hidden first line that identifies the note of one environment, so a
 * later pipeline updates it instead of adding another.
 */
export function noteMarker(environment: string): string {
  return `<!-- multicloud-blueprint plan-note environment=${environment} -->`;
}

export function countActions(plan: Plan): Counts {
  const counts: Counts = { create: 0, update: 0, replace: 0, delete: 0, read: 0, forget: 0 };
  for (const rc of effectiveChanges(plan)) {
    const { action } = classify(rc.change.actions);
    if (action !== "no-op") counts[action] += 1;
  }
  return counts;
}

const VERB: Record<Action, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  read: "to read",
  forget: "to forget",
  "no-op": "unchanged",
};

function summaryLine(counts: Counts): string {
  const parts = [...COUNTED_ACTIONS, "forget" as const]
    .filter((action) => counts[action] > 0 || action !== "forget")
    .map((action) => `${counts[action]} ${VERB[action]}`);
  return parts.join(", ");
}

function countsTable(counts: Counts): string {
  const head = COUNTED_ACTIONS.map((action) => ` ${action} `).join("|");
  const rule = COUNTED_ACTIONS.map(() => " ---: ").join("|");
  const row = COUNTED_ACTIONS.map((action) => ` ${counts[action]} `).join("|");
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

function pathText(path: readonly (string | number)[]): string {
  return path.map((part) => (typeof part === "number" ? `[${part}]` : part)).join(".");
}

/** What a replacement does, e.g. "create before destroy, forced by `port`". */
function replaceDetail(rc: ResourceChange, classified: Classified): string {
  const order =
    classified.order === "destroy-before-create" ? "destroy before create (downtime)" : "create before destroy";
  const forced = (rc.change.replace_paths ?? []).map((path) => code(pathText(path)));
  return forced.length > 0 ? `${order}, forced by ${forced.join(", ")}` : order;
}

/** The resource's address plus moved/import/deposed remarks. */
function addressText(rc: ResourceChange): string {
  const notes: string[] = [];
  if (rc.previous_address !== undefined && rc.previous_address !== rc.address) {
    notes.push(`moved from ${code(rc.previous_address)}`);
  }
  if (rc.change.importing !== undefined) notes.push("import");
  if (rc.deposed !== undefined) notes.push(`deposed object ${code(rc.deposed)}`);
  return notes.length > 0 ? `${code(rc.address)} (${notes.join("; ")})` : code(rc.address);
}

/** One line per changed top-level attribute, values redacted by the sensitive trees. */
function attributeLines(change: Change, indent: string): string[] {
  const before = change.before ?? null;
  const after = change.after ?? null;
  const forced = new Set((change.replace_paths ?? []).map((path) => String(path[0])));
  const keys = [...new Set([...keysOf(before), ...keysOf(after), ...keysOf(change.after_unknown)])].sort();
  const lines: string[] = [];
  let hidden = 0;
  for (const key of keys) {
    const unknown = childMask(change.after_unknown, key);
    const b = childValue(before, key);
    const a = childValue(after, key);
    const isUnknown = marksAny(unknown);
    if (!isUnknown && jsonEqual(b, a)) continue;
    // An attribute that is only "known after apply" on an update is noise unless it existed before.
    if (unknown === true && b === undefined) continue;
    if (lines.length >= MAX_ATTRIBUTES_PER_RESOURCE) {
      hidden += 1;
      continue;
    }
    const from = displayValue(b, childMask(change.before_sensitive, key));
    const to = displayValue(a, childMask(change.after_sensitive, key), unknown);
    const mark = forced.has(key) ? " **(forces replacement)**" : "";
    lines.push(`${indent}- ${code(key)}: ${code(from)} → ${code(to)}${mark}\n`);
  }
  if (hidden > 0) lines.push(`${indent}- … and ${plural(hidden, "more attribute")}\n`);
  return lines;
}

/** One list entry per resource change: action, address, and the attribute diff where it helps. */
function resourceEntry(rc: ResourceChange): string {
  const classified = classify(rc.change.actions);
  const { action } = classified;
  let head = `- **${action}** ${addressText(rc)}`;
  if (action === "replace") head += `: ${replaceDetail(rc, classified)}`;
  const reason = reasonText(rc);
  if (reason !== undefined && action !== "replace") head += ` (${reason})`;
  const lines = action === "update" || action === "replace" ? attributeLines(rc.change, "  ") : [];
  return `${head}\n${lines.join("")}`;
}

function byActionThenAddress(a: ResourceChange, b: ResourceChange): number {
  const order =
    ACTION_ORDER.indexOf(classify(a.change.actions).action) - ACTION_ORDER.indexOf(classify(b.change.actions).action);
  return order !== 0 ? order : a.address.localeCompare(b.address);
}

function details(summary: string, count: number): string {
  return `<details${count <= COLLAPSE_AFTER ? " open" : ""}>\n<summary>${summary}</summary>\n\n`;
}

function groupCounts(changes: readonly ResourceChange[]): string {
  const counts = new Map<Action, number>();
  for (const rc of changes) {
    const { action } = classify(rc.change.actions);
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  return ACTION_ORDER.filter((action) => counts.has(action))
    .map((action) => `${counts.get(action)} ${VERB[action]}`)
    .join(", ");
}

function warningSections(changes: readonly ResourceChange[]): ListSection<ResourceChange>[] {
  const deletes = changes.filter((rc) => classify(rc.change.actions).action === "delete");
  const replaces = changes.filter((rc) => classify(rc.change.actions).action === "replace");
  const sections: ListSection<ResourceChange>[] = [];
  if (deletes.length > 0) {
    sections.push({
      open: `> :warning: **${plural(deletes.length, "resource")} will be destroyed**\n>\n`,
      items: deletes,
      render: (rc) => {
        const reason = reasonText(rc);
        return `> - ${addressText(rc)}${reason === undefined ? "" : ` (${reason})`}\n`;
      },
      close: "\n",
    });
  }
  if (replaces.length > 0) {
    sections.push({
      open: `> :warning: **${plural(replaces.length, "resource")} will be replaced** (destroyed and created again)\n>\n`,
      items: replaces,
      render: (rc) => `> - ${addressText(rc)}: ${replaceDetail(rc, classify(rc.change.actions))}\n`,
      close: "\n",
    });
  }
  return sections;
}

function outputEntries(plan: Plan): string[] {
  const entries: string[] = [];
  for (const [name, change] of Object.entries(plan.output_changes ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const { action } = classify(change.actions);
    if (action === "no-op") continue;
    const before = displayValue(change.before, change.before_sensitive);
    const after = displayValue(change.after, change.after_sensitive, change.after_unknown);
    const value =
      action === "create" ? code(after) : action === "delete" ? code(before) : `${code(before)} → ${code(after)}`;
    entries.push(`- **${action}** ${code(name)}: ${value}\n`);
  }
  return entries;
}

function driftEntry(rc: ResourceChange): string {
  const { action } = classify(rc.change.actions);
  const what = action === "delete" ? "deleted outside of the configuration" : "changed outside of the configuration";
  const lines = action === "delete" ? [] : attributeLines(rc.change, "  ");
  return `- ${addressText(rc)}: ${what}\n${lines.join("")}`;
}

/** The whole note for one environment, at most `maxLength` characters. */
export function renderNote(plan: Plan, options: NoteOptions): string {
  const maxLength = options.maxLength ?? GITLAB_NOTE_LIMIT;
  const reserve = NOTICE_RESERVE + 2 * (options.jobUrl?.length ?? 0);
  const doc = new BoundedDocument(Math.max(0, maxLength - reserve));
  const changes = effectiveChanges(plan).sort(byActionThenAddress);
  const drift = (plan.resource_drift ?? []).filter((rc) => classify(rc.change.actions).action !== "no-op");
  const counts = countActions(plan);
  const env = code(options.environment);

  doc.text(`${noteMarker(options.environment)}\n`);
  const outputs = outputEntries(plan);
  let title = summaryLine(counts);
  if (changes.length === 0) {
    title = outputs.length === 0 ? "no changes" : `no resource changes, ${plural(outputs.length, "output change")}`;
  }
  doc.text(`### Plan for ${env}: ${title}\n\n`);
  const origin = options.jobUrl === undefined ? "" : `Planned in [this job](${options.jobUrl})`;
  const version = plan.terraform_version === undefined ? "" : `OpenTofu/Terraform ${code(plan.terraform_version)}`;
  const byline = [origin, version].filter((part) => part !== "").join(" with ");
  if (byline !== "") doc.text(`${byline}. Updated on every push.\n\n`);
  if (plan.errored === true) doc.text("> :no_entry: **The plan errored**: the list below may be incomplete.\n\n");
  if (changes.length > 0) doc.text(countsTable(counts));
  for (const section of warningSections(changes)) doc.list(section);
  if (drift.length > 0) {
    doc.text(
      `> :warning: **${plural(drift.length, "resource")} changed outside of this configuration** (drift, details below)\n\n`,
    );
  }

  if (changes.length > 0) {
    doc.text("#### Changes by provider\n\n");
    const providers = new Map<string, ResourceChange[]>();
    for (const rc of changes) {
      const provider = providerOf(rc);
      const group = providers.get(provider);
      if (group === undefined) providers.set(provider, [rc]);
      else group.push(rc);
    }
    for (const [provider, group] of [...providers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      doc.list({
        open: details(`<b>${escapeHtml(provider)}</b>: ${groupCounts(group)}`, group.length),
        items: group,
        render: resourceEntry,
        close: "\n</details>\n\n",
      });
    }
  }

  if (outputs.length > 0) {
    doc.list({
      open: `#### Output changes\n\n${details(plural(outputs.length, "output"), outputs.length)}`,
      items: outputs,
      render: (entry) => entry,
      close: "\n</details>\n\n",
    });
  }

  if (drift.length > 0) {
    doc.list({
      open: `#### Drift\n\n${details(`${plural(drift.length, "resource")} changed outside of this configuration`, drift.length)}`,
      items: [...drift].sort(byActionThenAddress),
      render: driftEntry,
      close: "\n</details>\n\n",
    });
  }

  let note = doc.toString();
  if (doc.truncated) {
    const where = options.jobUrl === undefined ? "the plan job's log" : `the [plan job](${options.jobUrl})'s log`;
    note +=
      `\n---\n:scissors: **Truncated** to stay under GitLab's ${GITLAB_NOTE_LIMIT.toLocaleString("en-US")}-character note limit: ` +
      `${doc.omittedEntries} of ${doc.offeredEntries} entries are not shown. ` +
      `The full plan is in ${where} and its \`plan.json\` artifact.\n`;
  }
  return note;
}
