/**
 * `npm run edge:signal -- <environment>`: each origin's failure rate as the
 * edge saw it over the last minutes, from the router's Analytics Engine
 * dataset (see lib/edge/signal.ts). The pipeline's verify step runs it after a deploy
 * and fails when an origin fails more than the environment's objective allows.
 */
import { ConfigError } from "../../lib/config/errors";
import { type EnvironmentFiles, loadConfiguration } from "../../lib/config/load";
import { edgeDatasetName, failingOrigins, failureRateSql, type OriginSignal } from "../../lib/edge/signal";
import { FAST_BURN_RATE, objectivesFor } from "../../lib/monitoring/objectives";
import { serviceSpecFor } from "../../lib/service";
import { CLOUDFLARE_API, querySignal } from "./query";

export const SIGNAL_USAGE = `Usage: npm run edge:signal -- <environment> [--minutes N] [--max-failure-rate R] [--origin ID] [--sql]

Asks Cloudflare's Analytics Engine SQL API for each origin's failure rate as
the edge saw it (every attempt, failovers included) and prints one line per
origin. Needs CLOUDFLARE_API_TOKEN (Account Analytics Read).

  environment          an environment of environments/index.ts
  --minutes N          how far back to look (1-1440, default 15)
  --max-failure-rate R failure share above which an origin fails the check
                       (default: the environment's fast-burn rate, 14.4 x its error budget)
  --origin ID          only this origin (aws.function, gcp.container...)
  --release ID         only the attempts made while this release was rolled out
                       (the Worker tags each one; verify:<env> reads the new release's canary so)
  --step STEP          only this rollout step (canary, promote, rollback)
  --service NAME       the service name in the dataset (default: the Worker's, from the config)
  --sql                print the SQL and exit, without calling Cloudflare
  --api URL            API base (default https://api.cloudflare.com/client/v4)
  --help, -h           show this help

Exit status: 0 every origin within the limit; 1 an origin above it, or an
API/config error; 2 bad usage.`;

export interface SignalIo {
  log(message: string): void;
  error(message: string): void;
}

interface Options {
  environment: string;
  minutes: number;
  maxFailureRate?: number;
  origin?: string;
  release?: string;
  step?: string;
  service?: string;
  sqlOnly: boolean;
  api: string;
}

function parseArgs(args: readonly string[]): Options | string {
  const options: Partial<Options> & { sqlOnly: boolean } = {
    minutes: 15,
    sqlOnly: false,
    api: CLOUDFLARE_API,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    try {
      if (arg === "--minutes") options.minutes = Number(value());
      else if (arg === "--max-failure-rate") options.maxFailureRate = Number(value());
      else if (arg === "--origin") options.origin = value();
      else if (arg === "--release") options.release = value();
      else if (arg === "--step") options.step = value();
      else if (arg === "--service") options.service = value();
      else if (arg === "--api") options.api = value();
      else if (arg === "--sql") options.sqlOnly = true;
      else if (arg.startsWith("-")) return `unknown option ${arg}`;
      else if (options.environment === undefined) options.environment = arg;
      else return `one environment only, got "${options.environment}" and "${arg}"`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (options.environment === undefined) return "name the environment to check";
  const rate = options.maxFailureRate;
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) return "--max-failure-rate must be from 0 to 1";
  return options as Options;
}

/** Runs the command; resolves to the exit status. */
export async function runSignal(
  args: readonly string[],
  environments: EnvironmentFiles,
  company: unknown,
  io: SignalIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.log(SIGNAL_USAGE);
    return 0;
  }
  const options = parseArgs(args);
  if (typeof options === "string") {
    io.error(`edge:signal: ${options}\n\n${SIGNAL_USAGE}`);
    return 2;
  }
  try {
    const config = loadConfiguration(environments, company).configs.find((c) => c.name === options.environment);
    if (config === undefined) {
      io.error(`edge:signal: no environment "${options.environment}" in environments/index.ts`);
      return 2;
    }
    // The Worker's script is `<service>-<environment>-edge` (lib/edge/edge.ts); its dataset follows the same names.
    const service = options.service ?? serviceSpecFor(config).name;
    const sql = failureRateSql({
      dataset: edgeDatasetName(service, config.name),
      minutes: options.minutes,
      origin: options.origin,
      release: options.release,
      step: options.step,
    });
    if (options.sqlOnly) {
      io.log(sql);
      return 0;
    }
    const token = env.CLOUDFLARE_API_TOKEN;
    if (token === undefined || token === "") {
      io.error("edge:signal: CLOUDFLARE_API_TOKEN is not set; export a token with Account Analytics Read");
      return 1;
    }
    const maxFailureRate = options.maxFailureRate ?? objectivesFor(config).errorBudget * FAST_BURN_RATE;
    const signals = await querySignal(sql, { api: options.api, accountId: config.cloudflare.accountId, token });
    io.log(formatSignals(signals, maxFailureRate));
    const failing = failingOrigins(signals, maxFailureRate);
    if (failing.length > 0) {
      io.error(
        `edge:signal: ${failing.map((s) => s.origin).join(", ")} fail above ${percent(maxFailureRate)} over the last ${options.minutes} minutes`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    io.error(
      error instanceof ConfigError ? error.message : `edge:signal: ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  }
}

const percent = (rate: number): string => `${(rate * 100).toFixed(2)}%`;

export function formatSignals(signals: readonly OriginSignal[], maxFailureRate: number): string {
  if (signals.length === 0) return "no origin attempts recorded in this window";
  return signals
    .map(
      (s) =>
        `${s.origin.padEnd(16)} ${String(Math.round(s.attempts)).padStart(8)} attempts  ${percent(s.failureRate).padStart(8)} failed  p99 ${Math.round(s.p99Ms)} ms  ${s.failureRate > maxFailureRate ? "FAIL" : "ok"}`,
    )
    .join("\n");
}
