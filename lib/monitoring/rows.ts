/**
 * An alert as data, the part every cloud shares. Each cloud's row type extends `AlertRow` with its
 * metric or query and threshold (lib/<cloud>/monitoring.ts), and one loop there turns every row into
 * one alert to the environment's route (docs/adding-a-cloud.md, "Adding an alert").
 */
import type { Runbook, Signal } from "./alerts";

/** How soon someone acts: `page` wakes someone, `warn` waits for working hours, `ticket` goes in the queue (a slow burn). */
export type Severity = "page" | "warn" | "ticket";

/** Whose an alert is, the golden signal, what it watches (the last part of its name), its runbook and how urgent it is. */
export interface AlertRow<Target extends string = string> {
  readonly target: Target;
  readonly signal: Signal;
  readonly what: string;
  readonly runbook: Runbook;
  /** @default page for errors and availability, warn otherwise (a burn tier's own: page or ticket) */
  readonly severity?: Severity;
}

/** A row's severity, its default from the signal: errors and failing health checks page. */
export function severityOf(row: AlertRow): Severity {
  return row.severity ?? (row.signal === "error" || row.signal === "availability" ? "page" : "warn");
}

/** The construct id of a row's alert: `<target>-<signal>-<what>` (`azure-function-latency-p99`), its Terraform address. */
export function alertId(row: AlertRow): string {
  return `${row.target.replace(".", "-")}-${row.signal}-${row.what}`;
}
