/**
 * Reading findings back after synth and printing them: the failure message of
 * `npm run synth`, its warning lines, and the table of `npm run policy`.
 */
import { AnnotationMetadataEntryType, type TerraformStack } from "cdktf";
import { annotationText, type Finding, policyFindings } from "./engine";

/** An annotation some construct added itself (not a policy finding): cdktf's own, or a construct's validation. */
export interface OtherAnnotation {
  readonly level: "error" | "warning";
  readonly path: string;
  readonly message: string;
}

/** What the policy found in one environment stack. */
export interface PolicyReport {
  readonly stack: string;
  /** Policy findings, open and suppressed, in tree order. */
  readonly findings: readonly Finding[];
  /** Error and warning annotations that are not policy findings; errors among them fail synth as well. */
  readonly annotations: readonly OtherAnnotation[];
}

/** Reads one synthesized (or aspect-visited) stack's findings and annotations. */
export function policyReport(stack: TerraformStack): PolicyReport {
  const findings = policyFindings(stack);
  const policyTexts = new Set(findings.map((f) => `${f.path}\n${annotationText(f)}`));
  const annotations: OtherAnnotation[] = [];
  for (const node of stack.node.findAll()) {
    for (const entry of node.node.metadata) {
      const level =
        entry.type === AnnotationMetadataEntryType.ERROR
          ? "error"
          : entry.type === AnnotationMetadataEntryType.WARN
            ? "warning"
            : undefined;
      const message = String(entry.data);
      if (level !== undefined && !policyTexts.has(`${node.node.path}\n${message}`)) {
        annotations.push({ level, path: node.node.path, message });
      }
    }
  }
  return { stack: stack.node.id, findings, annotations };
}

export const isOpen = (finding: Finding): boolean => finding.suppressedBecause === undefined;

export interface Counts {
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

export function countsOf(reports: readonly PolicyReport[]): Counts {
  const findings = reports.flatMap((r) => r.findings);
  const annotations = reports.flatMap((r) => r.annotations);
  return {
    errors:
      findings.filter((f) => isOpen(f) && f.level === "error").length +
      annotations.filter((a) => a.level === "error").length,
    warnings:
      findings.filter((f) => isOpen(f) && f.level === "warning").length +
      annotations.filter((a) => a.level === "warning").length,
    suppressed: findings.filter((f) => !isOpen(f)).length,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `1 error, 2 warnings, 3 suppressed`. */
export function formatCounts(counts: Counts): string {
  return `${plural(counts.errors, "error")}, ${plural(counts.warnings, "warning")}, ${counts.suppressed} suppressed`;
}

/** Path without the stack prefix: the environment is printed separately. */
const inStack = (stack: string, path: string): string =>
  path.startsWith(`${stack}/`) ? path.slice(stack.length + 1) : path;

/** One open finding in two lines: where and what, then the fix. */
function findingLines(stack: string, finding: Finding, indent: string): string[] {
  return [
    `${indent}${finding.ruleId} ${stack}/${inStack(stack, finding.path)} (${finding.address})`,
    `${indent}  ${finding.message}`,
    `${indent}  Fix: ${finding.fix}`,
  ];
}

function openLines(reports: readonly PolicyReport[], level: "error" | "warning"): string[] {
  const lines: string[] = [];
  for (const report of reports) {
    for (const finding of report.findings) {
      if (isOpen(finding) && finding.level === level) lines.push(...findingLines(report.stack, finding, "  "));
    }
    for (const annotation of report.annotations) {
      if (annotation.level === level) lines.push(`  [${annotation.path}] ${annotation.message}`);
    }
  }
  return lines;
}

/** Thrown by synth when a stack has unsuppressed policy errors (or any error annotation). */
export class PolicyError extends Error {
  constructor(readonly reports: readonly PolicyReport[]) {
    const counts = countsOf(reports);
    super(
      [
        `policy check found ${plural(counts.errors, "error")}; nothing was written.`,
        ...openLines(reports, "error"),
        "Change the resource as the fix says, or accept the finding with a reason reviewers will see:",
        '  suppress(resource, "<rule id>", "<why this is acceptable here>")  (lib/policy/suppressions.ts)',
        "`npm run policy` lists every finding of every environment.",
      ].join("\n"),
    );
    this.name = "PolicyError";
  }
}

/** The warning block synth prints after its summary; empty when there are none. */
export function formatWarnings(reports: readonly PolicyReport[]): string {
  const lines = openLines(reports, "warning");
  if (lines.length === 0) return "";
  return [`Policy warnings (${countsOf(reports).warnings}, not blocking):`, ...lines].join("\n");
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd(),
  );
}

/**
 * The `npm run policy` report: per environment, a table of findings (rule,
 * level, resource, suppressed-with-reason), then the fix for each open one.
 */
export function formatPolicyTable(reports: readonly PolicyReport[]): string {
  const out: string[] = [];
  for (const report of reports) {
    out.push(`${report.stack}: ${formatCounts(countsOf([report]))}`);
    const rows = [
      ...report.findings.map((f) => [
        f.ruleId,
        isOpen(f) ? f.level : `(${f.level})`,
        inStack(report.stack, f.path),
        isOpen(f) ? "-" : `suppressed: ${f.suppressedBecause}`,
      ]),
      ...report.annotations.map((a) => ["(annotation)", a.level, inStack(report.stack, a.path), "-"]),
    ];
    if (rows.length === 0) {
      out.push("  no findings", "");
      continue;
    }
    out.push(...table([["RULE", "LEVEL", "RESOURCE", "SUPPRESSED"], ...rows]).map((line) => `  ${line}`));
    const open = report.findings.filter(isOpen);
    if (open.length > 0 || report.annotations.length > 0) {
      out.push("  To change:");
      for (const finding of open) out.push(...findingLines(report.stack, finding, "    "));
      for (const annotation of report.annotations) out.push(`    [${annotation.path}] ${annotation.message}`);
    }
    out.push("");
  }
  const total = countsOf(reports);
  out.push(`Total: ${formatCounts(total)}${total.errors > 0 ? " (errors fail `npm run synth`)" : ""}`);
  return out.join("\n");
}
