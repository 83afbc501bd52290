/**
 * `npm run edge:signal -- <environment>`: each origin's failure rate as the
 * edge saw it over the last minutes, from the router's Analytics Engine
 * dataset (see lib/edge/signal.ts). The pipeline's verify step runs it after a deploy
 * and fails when an origin fails more than the environment's objective allows.
 */
import { type EnvironmentFiles, loadConfiguration } from "../../lib/config/load";
import { edgeDatasetName, failingOrigins, failureRateSql, type OriginSignal } from "../../lib/edge/signal";
import { FAST_BURN_RATE, objectivesFor } from "../../lib/monitoring/objectives";
import { serviceSpecFor } from "../../lib/service";
import { booleanOption, command, stringOption, UsageError } from "../../tools/command";
import { CLOUDFLARE_API, querySignal } from "./query";

const rate = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) throw new UsageError("--max-failure-rate must be from 0 to 1");
  return value;
};

/** `edge:signal` against the environments of `environments` and `company` (tests: a stand-in configuration). */
export function signalCommand(environments: EnvironmentFiles, company: unknown) {
  return command({
    name: "edge:signal",
    summary: "Each origin's failure rate as the edge saw it over the last minutes",
    usage: "<environment> [--minutes N] [--max-failure-rate R] [--origin ID] [--sql]",
    description: `Asks Cloudflare's Analytics Engine SQL API for each origin's failure rate as
the edge saw it (every attempt, failovers included) and prints one line per
origin. Needs CLOUDFLARE_API_TOKEN (Account Analytics Read). <environment> is
an environment of environments/index.ts.`,
    options: {
      minutes: stringOption("N", "how far back to look (1-1440, default 15)"),
      "max-failure-rate": stringOption(
        "R",
        "failure share above which an origin fails the check\n(default: the environment's fast-burn rate, 14.4 x its error budget)",
      ),
      origin: stringOption("ID", "only this origin (aws.function, gcp.container...)"),
      release: stringOption(
        "ID",
        "only the attempts made while this release was rolled out\n(the Worker tags each one; verify:<env> reads the new release's canary so)",
      ),
      step: stringOption("STEP", "only this rollout step (canary, promote, rollback)"),
      service: stringOption("NAME", "the service name in the dataset (default: the Worker's, from the config)"),
      sql: booleanOption("print the SQL and exit, without calling Cloudflare"),
      api: stringOption("URL", `API base (default ${CLOUDFLARE_API})`),
    },
    positionals: { min: 1, max: 1, help: "the environment to check" },
    notes: `Exit status: 0 every origin within the limit; 1 an origin above it, or an
API/config error; 2 bad usage (an unknown environment too).`,
    async run({ values, positionals: [name] }, io) {
      const minutes = Number(values.minutes ?? 15);
      const maxRate = rate(values["max-failure-rate"]);
      const config = loadConfiguration(environments, company).configs.find((c) => c.name === name);
      if (config === undefined) throw new UsageError(`no environment "${name}" in environments/index.ts`);
      // The Worker's script is `<service>-<environment>-edge` (lib/edge/edge.ts); its dataset follows the same names.
      const service = values.service ?? serviceSpecFor(config).name;
      const sql = failureRateSql({
        dataset: edgeDatasetName(service, config.name),
        minutes,
        origin: values.origin,
        release: values.release,
        step: values.step,
      });
      if (values.sql === true) {
        io.out(sql);
        return 0;
      }
      const token = io.env.CLOUDFLARE_API_TOKEN;
      if (token === undefined || token === "") {
        io.err("edge:signal: CLOUDFLARE_API_TOKEN is not set; export a token with Account Analytics Read");
        return 1;
      }
      const maxFailureRate = maxRate ?? objectivesFor(config).errorBudget * FAST_BURN_RATE;
      const signals = await querySignal(sql, {
        api: values.api ?? CLOUDFLARE_API,
        accountId: config.cloudflare.accountId,
        token,
      });
      io.out(formatSignals(signals, maxFailureRate));
      const failing = failingOrigins(signals, maxFailureRate);
      if (failing.length > 0) {
        io.err(
          `edge:signal: ${failing.map((s) => s.origin).join(", ")} fail above ${percent(maxFailureRate)} over the last ${minutes} minutes`,
        );
        return 1;
      }
      return 0;
    },
  });
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
