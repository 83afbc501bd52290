import { type Plan, parsePlan } from "../../ci/plan/plan";
import { GITLAB_NOTE_LIMIT, noteMarker, renderNote } from "../../ci/plan/render";
import { terraformReport } from "../../ci/plan/report";
import { displayValue, markUnknown, redact } from "../../ci/plan/values";
import { fixturePlan, generatedPlan } from "./helpers/plans";

const JOB_URL = "https://gitlab.example.net/group/blueprint/-/jobs/4242";

/** The text of one provider's `<details>` section. */
function providerSection(note: string, provider: string): string {
  const start = note.indexOf(`<summary><b>${provider}</b>`);
  expect(start).toBeGreaterThan(-1);
  return note.slice(start, note.indexOf("</details>", start));
}

describe("renderNote on the committed all-actions plan", () => {
  const plan = fixturePlan("plan-all-actions.json");
  const note = renderNote(plan, { environment: "dev", jobUrl: JOB_URL });

  it("starts with the hidden marker of its environment", () => {
    expect(note.split("\n")[0]).toBe(noteMarker("dev"));
    expect(noteMarker("dev")).toMatch(/^<!--.*-->$/);
    expect(noteMarker("dev")).not.toBe(noteMarker("prod"));
  });

  it("counts every action, and ignores no-ops", () => {
    expect(note).toContain("### Plan for `dev`: 1 to create, 2 to update, 2 to replace, 1 to delete, 1 to read\n");
    expect(note).toContain(
      "| create | update | replace | delete | read |\n| ---: | ---: | ---: | ---: | ---: |\n| 1 | 2 | 2 | 1 | 1 |",
    );
    expect(note).not.toContain("cloudflare_workers_script.router");
  });

  it("links the job that made the plan", () => {
    expect(note).toContain(`[this job](${JOB_URL})`);
  });

  it("puts destroy and replace warnings before the details, naming both replace orders", () => {
    const destroy = note.indexOf("**1 resource will be destroyed**");
    const replace = note.indexOf("**2 resources will be replaced**");
    const details = note.indexOf("#### Changes by provider");
    expect(destroy).toBeGreaterThan(-1);
    expect(replace).toBeGreaterThan(destroy);
    expect(details).toBeGreaterThan(replace);
    const warnings = note.slice(destroy, details);
    expect(warnings).toContain('> - ``azurerm_resource_group.old["west`eu"]`` (no longer in the configuration)');
    expect(warnings).toContain("> - `aws_ecs_service.container`: create before destroy, forced by `launch_type`");
    expect(warnings).toContain(
      "> - `google_cloud_run_v2_service.container`: destroy before create (downtime), forced by `location`",
    );
    expect(warnings).toContain("**2 resources changed outside of this configuration** (drift");
  });

  it("groups changed resources by provider, most destructive first", () => {
    const order = ["aws", "azurerm", "cloudflare", "google"].map((p) => note.indexOf(`<summary><b>${p}</b>`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const aws = providerSection(note, "aws");
    expect(aws).toContain("<b>aws</b>: 1 to replace, 1 to update, 1 to create, 1 to read");
    const entries = aws.split("\n").filter((line) => line.startsWith("- **"));
    expect(entries).toEqual([
      "- **replace** `aws_ecs_service.container`: create before destroy, forced by `launch_type`",
      "- **update** `aws_db_instance.state`",
      "- **create** `aws_lambda_function.service_fn_A1B2`",
      "- **read** `data.aws_caller_identity.current` (its configuration is known only after apply)",
    ]);
    expect(providerSection(note, "azurerm")).toContain("**delete**");
    expect(providerSection(note, "google")).toContain("**replace** `google_cloud_run_v2_service.container`");
  });

  it("shows what changes on updates and replacements, and what forces a replacement", () => {
    const aws = providerSection(note, "aws");
    expect(aws).toContain('  - `instance_class`: `"db.t4g.micro"` → `"db.t4g.small"`');
    expect(aws).toContain('  - `launch_type`: `"EC2"` → `"FARGATE"` **(forces replacement)**');
    expect(aws).toContain('  - `id`: `"svc-1"` → `(known after apply)`');
    expect(aws).not.toContain("`tags`"); // unchanged attributes are not listed
    expect(providerSection(note, "cloudflare")).toContain(
      "`cloudflare_dns_record.edge` (moved from `cloudflare_dns_record.www`)",
    );
  });

  it("never shows a value marked by a *_sensitive tree, at any depth", () => {
    expect(note).not.toMatch(/SECRET-/);
    const aws = providerSection(note, "aws");
    expect(aws).toContain("  - `password`: `(sensitive)` → `(sensitive)`");
    // Nested: only the marked field is hidden, its siblings still show the change.
    expect(aws).toContain(
      '  - `settings`: `[{"name":"log_level","secret_value":(sensitive),"visible":"a"}]` → `[{"name":"log_level","secret_value":(sensitive),"visible":"b"}]`',
    );
    // A resource whose whole value is sensitive shows nothing but "(sensitive)".
    expect(providerSection(note, "google")).toContain(
      "  - `location`: `(sensitive)` → `(sensitive)` **(forces replacement)**",
    );
  });

  it("lists output changes with sensitive outputs hidden", () => {
    const outputs = note.slice(note.indexOf("#### Output changes"), note.indexOf("#### Drift"));
    expect(outputs).toContain('- **create** `endpoint`: `"https://dev.example.net"`');
    expect(outputs).toContain("- **update** `origin_secret`: `(sensitive)` → `(sensitive)`");
    expect(outputs).toContain(
      '- **update** `connection`: `{"host":"db.internal","password":(sensitive)}` → `{"host":"db2.internal","password":(sensitive)}`',
    );
    expect(outputs).toContain('- **delete** `retired`: `"old-value"`');
    expect(outputs).not.toContain("unchanged");
  });

  it("reports drift from resource_drift with its changes", () => {
    const drift = note.slice(note.indexOf("#### Drift"));
    expect(drift).toContain("`aws_iam_role.removed_by_hand`: deleted outside of the configuration");
    expect(drift).toContain("`google_storage_bucket.assets`: changed outside of the configuration");
    expect(drift).toContain('  - `labels`: `{"env":"dev"}` → `{"env":"dev","edited":"console"}`');
    expect(drift).toContain("  - `hmac_secret`: `(sensitive)` → `(sensitive)`");
  });

  it("keeps short sections open and every <details> closed", () => {
    expect(note).toContain("<details open>\n<summary><b>aws</b>");
    expect(note.match(/<details/g)?.length).toBe(note.match(/<\/details>/g)?.length);
  });
});

describe("renderNote on other plans", () => {
  it("says there are no changes when there are none", () => {
    const note = renderNote(fixturePlan("plan-no-changes.json"), { environment: "prod" });
    expect(note).toContain("### Plan for `prod`: no changes");
    expect(note).not.toContain("| create |");
    expect(note).not.toContain("will be destroyed");
  });

  it("collapses a provider section with many entries", () => {
    const note = renderNote(generatedPlan(44, 1), { environment: "dev" });
    expect(note).toContain("<details>\n<summary><b>aws</b>");
    expect(note).not.toContain("<details open>\n<summary><b>aws</b>");
  });

  it("flags an errored plan", () => {
    const plan: Plan = { ...fixturePlan("plan-no-changes.json"), errored: true };
    expect(renderNote(plan, { environment: "dev" })).toContain("**The plan errored**");
  });

  it("renders thousands of resources in full when they fit", () => {
    const plan = generatedPlan(3000, 2, 20);
    const note = renderNote(plan, { environment: "staging" });
    expect(note.length).toBeLessThanOrEqual(GITLAB_NOTE_LIMIT);
    expect(note).not.toContain("Truncated");
    expect(note).toContain("- **update** `cloudflare_thing.r02999`");
    expect(note).not.toMatch(/SECRET-/);
  });

  it("keeps a huge plan under GitLab's 1,000,000-character limit with a truncation notice", () => {
    const plan = generatedPlan(12_000, 30, 120);
    const started = performance.now();
    const note = renderNote(plan, { environment: "prod", jobUrl: JOB_URL });
    const elapsed = performance.now() - started;
    expect(note.length).toBeLessThanOrEqual(GITLAB_NOTE_LIMIT);
    expect(note.length).toBeGreaterThan(GITLAB_NOTE_LIMIT * 0.9);
    expect(note).toMatch(
      /:scissors: \*\*Truncated\*\* to stay under GitLab's 1,000,000-character note limit: \d+ of \d+ entries are not shown/,
    );
    expect(note).toContain(`the [plan job](${JOB_URL})'s log`);
    // What matters most survives: marker, counts, and the destroy warning come first.
    expect(note.startsWith(noteMarker("prod"))).toBe(true);
    expect(note).toContain("| 2000 | 4000 | 4000 | 2000 | 0 |");
    expect(note).toContain("**2000 resources will be destroyed**");
    expect(note.match(/<details/g)?.length).toBe(note.match(/<\/details>/g)?.length);
    expect(note).not.toMatch(/SECRET-/);
    expect(elapsed).toBeLessThan(5000);
  });

  it("honours a smaller maxLength", () => {
    const note = renderNote(generatedPlan(200), { environment: "dev", maxLength: 5000 });
    expect(note.length).toBeLessThanOrEqual(5000);
    expect(note).toContain("Truncated");
  });
});

describe("terraformReport", () => {
  it("counts like GitLab's templates: a replacement is a create and a delete, reads are not counted", () => {
    expect(terraformReport(fixturePlan("plan-all-actions.json"))).toEqual({ create: 3, update: 2, delete: 3 });
    expect(terraformReport(fixturePlan("plan-no-changes.json"))).toEqual({ create: 0, update: 0, delete: 0 });
  });
});

describe("value display", () => {
  it("redacts by the sensitive tree, including whole values and list items", () => {
    expect(redact({ a: 1, b: { c: "x", d: "y" } }, { b: { d: true } })).toEqual({
      a: 1,
      b: { c: "x", d: "\u0000sensitive\u0000" },
    });
    expect(displayValue(["p", "q"], [false, true])).toBe('["p",(sensitive)]');
    expect(displayValue({ k: "SECRET" }, true)).toBe("(sensitive)");
    expect(displayValue("SECRET", false)).toBe('"SECRET"');
  });

  it("marks unknown values, adding keys not yet in the value", () => {
    expect(markUnknown({ a: 1 }, { b: true })).toEqual({ a: 1, b: "\u0000unknown\u0000" });
    expect(displayValue({ a: 1 }, {}, { b: true })).toBe('{"a":1,"b":(known after apply)}');
  });

  it("cuts long values after redacting them", () => {
    const text = displayValue({ secret: "S".repeat(500), open: "o".repeat(500) }, { secret: true }, false, 40);
    expect(text).toHaveLength(40);
    expect(text.endsWith("…")).toBe(true);
    expect(text).not.toContain("SS");
  });
});

describe("parsePlan", () => {
  it("accepts the fixture and keeps unknown fields", () => {
    const plan = parsePlan(JSON.stringify({ format_version: "1.2", new_field: 1 }), "x.json");
    expect((plan as Record<string, unknown>).new_field).toBe(1);
  });
});

describe("renderNote edge cases", () => {
  const base = fixturePlan("plan-no-changes.json");

  it("names output-only changes in the title", () => {
    const plan: Plan = {
      ...base,
      output_changes: { url: { actions: ["create"], before: null, after: "https://x.example.net" } },
    };
    expect(renderNote(plan, { environment: "dev" })).toContain(
      "### Plan for `dev`: no resource changes, 1 output change",
    );
  });

  it("does not list an attribute whose unknown mask marks nothing", () => {
    const plan: Plan = {
      ...base,
      resource_changes: [
        {
          address: "aws_lambda_function.fn",
          mode: "managed",
          type: "aws_lambda_function",
          provider_name: "registry.opentofu.org/hashicorp/aws",
          change: {
            actions: ["update"],
            before: { memory_size: 128, environment: [{ variables: { A: "1" } }] },
            after: { memory_size: 256, environment: [{ variables: { A: "1" } }] },
            after_unknown: { environment: [{ variables: {} }] },
          },
        },
      ],
    };
    const note = renderNote(plan, { environment: "dev" });
    expect(note).toContain("  - `memory_size`: `128` → `256`");
    expect(note).not.toContain("`environment`");
  });
});
