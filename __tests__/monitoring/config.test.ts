/** The `monitoring` block: objectives and routing validated with the environment, defaults derived. */

import { company as companyInput } from "../../environments";
import { ConfigError, loadEnvironments } from "../../lib/config";
import { loadCompany } from "../../lib/config/company";
import { environmentFile } from "../../lib/config/load";
import type { MonitoringInput } from "../../lib/config/monitoring";
import { FAST_BURN_RATE, objectivesFor } from "../../lib/monitoring/objectives";
import { COMPANY, environmentConfig, environmentInput, filesOf } from "../helpers/environments";

const NAME = environmentInput().name;
/** How a problem of the test environment starts: its file, then its name. */
const LABEL = `${environmentFile(NAME)}: ${NAME}`;
const LABEL_PATTERN = LABEL.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function problemsWith(monitoring: unknown, patch: Record<string, unknown> = {}): string[] {
  try {
    loadEnvironments(filesOf(environmentInput({ ...patch, monitoring })), COMPANY);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const notify = { emails: ["oncall@test.invalid"] };

describe("monitoring config", () => {
  it("fills the objectives' defaults and derives the latency objective from the timeout", () => {
    const config = environmentConfig({ monitoring: { notify } });
    expect(config.monitoring).toEqual({ availabilityPercent: 99.9, windowDays: 30, notify });
    const objectives = objectivesFor(config);
    expect(objectives.latencyP99Ms).toBe((config.service.timeoutSeconds * 1000) / 2);
    expect(objectives.errorBudget).toBeCloseTo(0.001, 9);
    expect(objectives.errorRatePercent).toBeCloseTo(0.1 * FAST_BURN_RATE, 9);
    expect(objectives.silencedBecause).toBeUndefined();
  });

  it("takes the company's objectives and route where the environment sets none", () => {
    const company = loadCompany({
      ...companyInput,
      monitoring: { availabilityPercent: 99.5, notify: { emails: ["team@test.invalid"] } },
    });
    const input = environmentInput();
    delete (input as { monitoring?: unknown }).monitoring;
    const [inherited] = loadEnvironments(filesOf(input), company);
    expect(inherited.monitoring).toEqual({
      availabilityPercent: 99.5,
      windowDays: 30,
      notify: { emails: ["team@test.invalid"] },
    });
    const [own] = loadEnvironments(filesOf(environmentInput({ monitoring: { windowDays: 7, notify } })), company);
    expect(own.monitoring).toEqual({ availabilityPercent: 99.5, windowDays: 7, notify });
  });

  it("keeps a latency objective that is set", () => {
    const config = environmentConfig({ monitoring: { latencyP99Ms: 750, availabilityPercent: 99.5, notify } });
    expect(objectivesFor(config)).toEqual(
      expect.objectContaining({ latencyP99Ms: 750, availabilityPercent: 99.5, errorRatePercent: 7.2 }),
    );
  });

  it("rejects a malformed e-mail address, naming the field", () => {
    expect(problemsWith({ notify: { emails: ["oncall@", "ok@test.invalid"] } })).toEqual([
      `${LABEL}.monitoring.notify.emails.0: must be an e-mail address such as oncall@my-company.io`,
    ]);
  });

  it("rejects a webhook URL written into the config: it is a secret", () => {
    const problems = problemsWith({ notify: { webhookVariable: "https://hooks.chat.invalid/services/T0/B0/abc" } });
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${LABEL_PATTERN}\\.monitoring\\.notify\\.webhookVariable: is a literal URL;`)),
    ]);
    expect(problems[0]).toContain("TF_VAR_<name>");
  });

  it("rejects a webhook variable that is not a Terraform variable name", () => {
    expect(problemsWith({ notify: { webhookVariable: "Alert-Hook" } })).toEqual([
      `${LABEL}.monitoring.notify.webhookVariable: must be a Terraform variable name: lowercase letters, digits and underscores, e.g. alert_webhook_url`,
    ]);
  });

  it("takes relay receivers by kind and secret variable, and says what is wrong with each", () => {
    const receivers = [
      { kind: "slack", secretVariable: "alert_slack_url" },
      { kind: "pagerduty", secretVariable: "alert_pagerduty_key" },
    ];
    expect(
      environmentConfig({ monitoring: { notify: { emails: [], receivers } } }).monitoring.notify.receivers,
    ).toEqual(receivers);
    expect(
      problemsWith({
        notify: {
          receivers: [
            { kind: "opsgenie", secretVariable: "alert_x" },
            { kind: "teams", secretVariable: "https://example.webhook.office.invalid/x" },
          ],
        },
      }),
    ).toEqual([
      `${LABEL}.monitoring.notify.receivers.0.kind: is not allowed; expected one of "slack", "teams", "pagerduty", "webhook", "heartbeat"`,
      expect.stringMatching(
        new RegExp(`^${LABEL_PATTERN}\\.monitoring\\.notify\\.receivers\\.1\\.secretVariable: is a literal URL;`),
      ),
    ]);
    const twice = [
      { kind: "slack", secretVariable: "alert_slack_url" },
      { kind: "webhook", secretVariable: "alert_slack_url" },
    ];
    expect(problemsWith({ notify: { receivers: twice } })).toEqual([
      `${LABEL}.monitoring.notify.receivers.1.secretVariable: "alert_slack_url" is already receivers[0]'s; each receiver has its own secret`,
    ]);
  });

  it("counts a heartbeat as nobody: it watches the relay, it reads no alert", () => {
    expect(
      problemsWith({
        notify: { emails: [], receivers: [{ kind: "heartbeat", secretVariable: "alert_heartbeat_url" }] },
      }),
    ).toEqual([
      `${LABEL}.monitoring.notify: names nobody: add at least one address to emails or a receiver (slack, teams, pagerduty, webhook)`,
    ]);
  });

  it.each([
    [100, "must be at most 99.99"],
    [80, "must be at least 90"],
  ])("rejects an availability objective of %d%%", (availabilityPercent, message) => {
    expect(problemsWith({ availabilityPercent, notify })).toEqual([
      expect.stringContaining(`${LABEL}.monitoring.availabilityPercent: ${message}`),
    ]);
  });

  it("rejects an objective window longer than a rolling SLO can be", () => {
    expect(problemsWith({ windowDays: 90, notify })).toEqual([`${LABEL}.monitoring.windowDays: must be at most 30`]);
  });

  it("rejects a latency objective the request timeout cuts off", () => {
    const timeoutSeconds = environmentInput().service.timeoutSeconds;
    const problems = problemsWith({ latencyP99Ms: timeoutSeconds * 1000, notify });
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${LABEL_PATTERN}\\.monitoring\\.latencyP99Ms: is ${timeoutSeconds * 1000} ms, not below service\\.timeoutSeconds`,
        ),
      ),
    ]);
  });

  it("rejects a route that names nobody, and an address listed twice", () => {
    // notify merges over the company's: an explicit empty list drops its e-mails.
    expect(problemsWith({ notify: { emails: [] } })).toEqual([
      `${LABEL}.monitoring.notify: names nobody: add at least one address to emails or a receiver (slack, teams, pagerduty, webhook)`,
    ]);
    expect(problemsWith({ notify: { emails: ["a@test.invalid", "A@test.invalid"] } })).toEqual([
      `${LABEL}.monitoring.notify.emails.1: "A@test.invalid" is listed twice`,
    ]);
  });

  it("requires a reason to silence an environment's alerts", () => {
    expect(problemsWith({ notify, silenced: { reason: "no" } } satisfies MonitoringInput)).toEqual([
      `${LABEL}.monitoring.silenced.reason: must say why, in at least 10 characters`,
    ]);
  });

  it("lists every problem of the block at once", () => {
    expect(problemsWith({ availabilityPercent: 101, notify: { emails: ["nope"] } })).toHaveLength(2);
  });
});
