/**
 * How fast the synthesized alerts notify, computed from cdk.tf.json (see
 * detection.ts for the model), for an objective of 99.9% over 30 days: the
 * table in docs/operations.md must be the one computed here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { ORIGINS } from "../../lib/config/schema";
import { objectivesFor } from "../../lib/monitoring/objectives";
import { environmentConfig, resourcesOf, synthEnvironment } from "../helpers/environments";
import { firstAlert, formatSeconds, responders } from "./detection";

const config = environmentConfig({
  monitoring: { availabilityPercent: 99.9, windowDays: 30, notify: { emails: ["oncall@test.invalid"] } },
});
const { errorBudget } = objectivesFor(config);
const { json } = synthEnvironment(config);
const all = responders(json);
const TARGETS = [...ORIGINS.map((origin) => origin.replace(".", "-")), "edge"];
/** The scenarios of the table: the share of requests that fail. */
const SCENARIOS = [
  { label: "total outage", ratio: 1 },
  { label: "6x burn", ratio: 6 * errorBudget },
  { label: "2x burn", ratio: 2 * errorBudget },
] as const;

/** Cloudflare's zone error-rate alert evaluates its own windows: listed, not computed. */
const edgeErrorAlert = Object.values(resourcesOf(json, "cloudflare_notification_policy")).some(
  (p) => p.alert_type === "http_alert_edge_error",
);

const cell = (target: string, ratio: number): string => {
  const page = firstAlert(all, target, ratio, ["page"]);
  if (page !== undefined) return `${formatSeconds(page.seconds)} (${page.by})`;
  const ticket = firstAlert(all, target, ratio, ["ticket"]);
  if (ticket !== undefined) return `no page; ticket ${formatSeconds(ticket.seconds)} (${ticket.by})`;
  return target === "edge" && edgeErrorAlert ? "Cloudflare's edge error alert (its own windows)" : "no alert";
};

/** The markdown table, one row per target. */
function table(): string {
  return [
    `| target | ${SCENARIOS.map((s) => s.label).join(" | ")} |`,
    `| --- | ${SCENARIOS.map(() => "---").join(" | ")} |`,
    ...TARGETS.map((t) => `| \`${t.replace("-", ".")}\` | ${SCENARIOS.map((s) => cell(t, s.ratio)).join(" | ")} |`),
  ].join("\n");
}

it("pages every target within 5 minutes of a total outage", () => {
  for (const target of TARGETS) {
    const page = firstAlert(all, target, 1, ["page"]);
    expect([target, page?.seconds ?? Number.POSITIVE_INFINITY]).toEqual([target, expect.any(Number)]);
    expect([target, (page?.seconds ?? Number.POSITIVE_INFINITY) <= 300]).toEqual([target, true]);
  }
});

it("pages every target and the edge within an hour of a sustained 6x burn, evaluation included", () => {
  for (const target of TARGETS) {
    const six = firstAlert(all, target, 6 * errorBudget, ["page"]);
    expect([target, six?.by]).toEqual([target, expect.stringMatching(/burn-medium$|burn-[\w/]*medium/)]);
    expect([target, (six?.seconds ?? Number.POSITIVE_INFINITY) <= 3600]).toEqual([target, true]);
  }
});

it("keeps the workbook's slow pair: a 6x burn also pages through it once 5% of the budget is gone", () => {
  for (const target of TARGETS.filter((t) => t !== "edge")) {
    const slow = all.find((r) => r.target === target && /burn-slow$/.test(r.by));
    expect(slow?.after(6 * errorBudget)).toBeLessThanOrEqual(6 * 3600 + 300);
  }
});

it("tickets a 2x burn and never pages on it", () => {
  for (const target of TARGETS.filter((t) => t !== "edge")) {
    // 2x never pages (every page tier needs 6x or more) but opens a ticket.
    expect(firstAlert(all, target, 2 * errorBudget, ["page"])).toBeUndefined();
    expect(firstAlert(all, target, 2 * errorBudget, ["ticket"])?.by).toMatch(/burn-ticket$/);
  }
});

it("never notifies at the objective's own error rate", () => {
  for (const target of TARGETS) expect(firstAlert(all, target, errorBudget * 0.99, ["page", "ticket"])).toBeUndefined();
});

it("docs/operations.md shows the computed table", () => {
  const doc = readFileSync(join(REPOSITORY_ROOT, "docs/operations.md"), "utf8");
  const match = /<!-- detection-table:start -->\n([\s\S]*?)\n<!-- detection-table:end -->/.exec(doc);
  expect(match?.[1]).toBe(table());
});
