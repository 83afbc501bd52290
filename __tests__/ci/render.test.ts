import { type Plan, parsePlan } from "../../ci/plan/plan";
import { GITLAB_NOTE_LIMIT, noteMarker, noteMarkerPrefix, renderNotes, renderStepsNote } from "../../ci/plan/render";
import { terraformReport } from "../../ci/plan/report";
import { markUnknown, prepare, redact, valueText } from "../../ci/plan/values";
import { expectDetailsDroppedToFit, expectListSplit, JOB_URL, listedAddresses } from "./helpers/large-plans";
import { fixturePlan, generatedPlan } from "./helpers/plans";
import { expectToContainAll, REVIEW_PLAN_SHOWS, singleNote } from "./helpers/render";

/** One raw value as the note shows it. */
function show(value: unknown, sensitive: unknown, unknown: unknown = false): string {
  return valueText(prepare(value, sensitive, unknown));
}

/** The text of one provider's `<details>` section. */
function providerSection(note: string, provider: string): string {
  const start = note.indexOf(`<summary><b>${provider}</b>`);
  expect(start).toBeGreaterThan(-1);
  return note.slice(start, note.indexOf("</details>", start));
}

describe("renderNote on the committed all-actions plan", () => {
  const plan = fixturePlan("plan-all-actions.json");
  const note = singleNote(plan, { environment: "dev", jobUrl: JOB_URL });

  it("starts with the hidden marker of its environment", () => {
    expect(note.split("\n")[0]).toBe(noteMarker("dev"));
    expect(noteMarker("dev")).toMatch(/^<!--.*-->$/);
    expect(noteMarker("dev")).not.toBe(noteMarker("prod"));
  });

  it("counts every action, and ignores no-ops", () => {
    expect(note).toContain(
      "### Plan for `dev`: 1 to create, 2 to update, 2 to replace, 1 to delete, 1 to read, 1 moved\n",
    );
    expect(note).toContain(
      "| create | update | replace | delete | read | move |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n| 1 | 2 | 2 | 1 | 1 | 1 |",
    );
    expect(note).not.toContain("cloudflare_workers_script.router");
  });

  it("links the job that made the plan", () => {
    expect(note).toContain(`[this job](${JOB_URL})`);
  });

  it("puts destroy, replace and drift warnings before the list, and the list before any detail", () => {
    const destroy = note.indexOf("**1 resource will be destroyed**");
    const replace = note.indexOf("**2 resources will be replaced**");
    const list = note.indexOf("#### Changes by provider");
    const details = note.indexOf("#### Details");
    expect(destroy).toBeGreaterThan(-1);
    expect(replace).toBeGreaterThan(destroy);
    expect(list).toBeGreaterThan(replace);
    expect(details).toBeGreaterThan(list);
    expect(note.slice(0, list)).toContain("**2 resources changed outside Terraform** (drift");
    const summary = note.slice(list, details);
    expect(summary).toContain(
      '- **delete** ``azurerm_resource_group.old["west`eu"]`` (no longer in the configuration)',
    );
    expect(summary).toContain(
      "- **replace** `aws_ecs_service.container`: create before destroy, forced by `launch_type`",
    );
    expect(summary).toContain(
      "- **replace** `google_cloud_run_v2_service.container`: destroy before create (downtime), forced by `location`",
    );
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
    const details = note.slice(note.indexOf("#### Details"));
    expect(details).toContain('  - `instance_class`: `"db.t4g.micro"` → `"db.t4g.small"`');
    expect(details).toContain('  - `launch_type`: `"EC2"` → `"FARGATE"` **(forces replacement)**');
    expect(details).toContain('  - `id`: `"svc-1"` → `(known after apply)`');
    expect(details).not.toContain("`tags`"); // unchanged attributes are not listed
    expect(providerSection(note, "cloudflare")).toContain(
      "`cloudflare_dns_record.edge` (moved from `cloudflare_dns_record.www`)",
    );
  });

  it("never shows a value marked by a *_sensitive tree, at any depth", () => {
    expect(note).not.toMatch(/SECRET-/);
    const details = note.slice(note.indexOf("#### Details"));
    expect(details).toContain("  - `password`: `(sensitive)` → `(sensitive)`");
    // Nested: only the marked field is hidden, its siblings show the change at their own path.
    expect(details).toContain("  - `settings[0].secret_value`: `(sensitive)` → `(sensitive)`");
    expect(details).toContain('  - `settings[0].visible`: `"a"` → `"b"`');
    // A resource whose whole value is sensitive shows nothing but "(sensitive)".
    expect(details).toContain("  - `(whole value)`: `(sensitive)` → `(sensitive)` **(forces replacement)**");
  });

  it("lists output changes with sensitive outputs hidden", () => {
    const outputs = note.slice(note.indexOf("#### Output changes"), note.indexOf("#### Changes outside Terraform"));
    expect(outputs).toContain('- **create** `endpoint`: `"https://dev.example.net"`');
    expect(outputs).toContain("- **update** `origin_secret`: `(sensitive)` → `(sensitive)`");
    expect(outputs).toContain(
      '- **update** `connection`: `{"host":"db.internal","password":(sensitive)}` → `{"host":"db2.internal","password":(sensitive)}`',
    );
    expect(outputs).toContain('- **delete** `retired`: `"old-value"`');
    expect(outputs).not.toContain("unchanged");
  });

  it("reports drift (changes outside Terraform) in its own section, with its changes in the details", () => {
    const drift = note.slice(note.indexOf("#### Changes outside Terraform"), note.indexOf("#### Details"));
    expect(drift).toContain("`aws_iam_role.removed_by_hand`: deleted outside Terraform");
    expect(drift).toContain("`google_storage_bucket.assets`: changed outside Terraform");
    const details = note.slice(note.indexOf("- outside Terraform: `google_storage_bucket.assets`"));
    expect(details).toContain('  - `labels.edited`: `(none)` → `"console"`');
    expect(details).toContain("  - `hmac_secret`: `(sensitive)` → `(sensitive)`");
  });

  it("keeps short sections open and every <details> closed", () => {
    expect(note).toContain("<details open>\n<summary><b>aws</b>");
    expect(note.match(/<details/g)?.length).toBe(note.match(/<\/details>/g)?.length);
  });
});

describe("renderNote on other plans", () => {
  it("says there are no changes when there are none", () => {
    const note = singleNote(fixturePlan("plan-no-changes.json"), { environment: "prod" });
    expect(note).toContain("### Plan for `prod`: no changes");
    expect(note).not.toContain("| create |");
    expect(note).not.toContain("will be destroyed");
  });

  it("collapses a provider section with many entries", () => {
    const note = singleNote(generatedPlan(44, 1), { environment: "dev" });
    expect(note).toContain("<details>\n<summary><b>aws</b>");
    expect(note).not.toContain("<details open>\n<summary><b>aws</b>");
  });

  it("flags an errored plan", () => {
    const plan: Plan = { ...fixturePlan("plan-no-changes.json"), errored: true };
    expect(singleNote(plan, { environment: "dev" })).toContain("**The plan errored**");
  });

  it("renders thousands of resources with every detail when they fit", () => {
    const plan = generatedPlan(3000, 2, 20);
    const note = singleNote(plan, { environment: "staging" });
    expect(note.length).toBeLessThanOrEqual(GITLAB_NOTE_LIMIT);
    expect(note).not.toContain(":scissors:");
    expect(note).toContain("- **update** `cloudflare_thing.r02999`");
    expect(note).toContain('  - `attr_1`: `"bbbbbbbbbbbb-2999-1"` → `"aaaaaaaaaaaa-2999-1"`');
    expect(note).not.toMatch(/SECRET-/);
  });

  it("keeps a plan over the note limit under it by dropping details, never a change, and counts what it dropped", () => {
    // 1,200 changes against a 200,000-character limit; 12,000 against GitLab's: journeys/plan-note-size.test.ts.
    expectDetailsDroppedToFit(1200, 200_000);
  });

  it("honours a smaller maxLength", () => {
    const plan = generatedPlan(200);
    const notes = renderNotes(plan, { environment: "dev", maxLength: 10_000 });
    expect(notes.length).toBeGreaterThan(1);
    for (const note of notes) expect(note.length).toBeLessThanOrEqual(10_000);
    const listed = listedAddresses(...notes);
    expect((plan.resource_changes ?? []).filter((rc) => !listed.has(rc.address))).toEqual([]);
  });
});

describe("the note budget on large plans", () => {
  /** `count` AWS tag updates plus one Google role change and one Cloudflare DNS change. */
  function tagStorm(count: number): Plan {
    const aws = Array.from({ length: count }, (_, i) => ({
      address: `aws_s3_bucket.b${String(i).padStart(5, "0")}`,
      mode: "managed",
      type: "aws_s3_bucket",
      provider_name: "registry.opentofu.org/hashicorp/aws",
      change: {
        actions: ["update"],
        before: { tags: { team: "a", note: "x".repeat(200) } },
        after: { tags: { team: "b", note: "y".repeat(200) } },
      },
    }));
    const review = fixturePlan("plan-review.json");
    const others = (review.resource_changes ?? []).filter((rc) =>
      ["google_project_iam_member.ci", "cloudflare_dns_record.edge"].includes(rc.address),
    );
    return { ...review, resource_changes: [...aws, ...others] };
  }

  it("4,500 AWS tag updates never push another provider's change out of the note", () => {
    const note = singleNote(tagStorm(4500), { environment: "prod" });
    expect(note.length).toBeLessThanOrEqual(GITLAB_NOTE_LIMIT);
    expect(note).toContain(
      "- **replace** `google_project_iam_member.ci`: destroy before create (downtime), forced by `role`",
    );
    expect(note).toContain("- **update** `cloudflare_dns_record.edge`");
    expect(note).toContain("<summary><b>aws</b>: 4500 to update</summary>");
    // Changed values stay visible: those details are kept first, before the bulk of tag updates.
    expectToContainAll(note, [REVIEW_PLAN_SHOWS.roleChange, REVIEW_PLAN_SHOWS.dnsChange]);
    // Drift and outputs keep their sections.
    expectToContainAll(note, REVIEW_PLAN_SHOWS.sections);
  });

  it("splits a plan whose list does not fit one note over numbered notes that together list every change", () => {
    // 5,000 changes against a 100,000-character limit; 50,000 against GitLab's: journeys/plan-note-size.test.ts.
    expectListSplit(5000, 100_000);
  });

  it("past the most notes, counts exactly what is not listed and links the rendered plan", () => {
    const plan = generatedPlan(2000, 1, 10);
    const notes = renderNotes(plan, { environment: "dev", maxLength: 20_000, maxParts: 3, artifactUrl: "https://x/a" });
    expect(notes).toHaveLength(3);
    const all = notes.join("\n");
    const listed = (all.match(/^- \*\*\w+\*\* `/gm) ?? []).length;
    expect(listed).toBeLessThan(2000);
    expect(notes[2]).toContain(`**${2000 - listed} of 2000 changes are not listed in these 3 notes**`);
    expect(notes[2]).toContain("[rendered plan](https://x/a)");
    for (const note of notes) expect(note.length).toBeLessThanOrEqual(20_000);
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
    expect(show(["p", "q"], [false, true])).toBe('["p",(sensitive)]');
    expect(show({ k: "SECRET" }, true)).toBe("(sensitive)");
    expect(show("SECRET", false)).toBe('"SECRET"');
  });

  it("marks unknown values, adding keys not yet in the value", () => {
    expect(markUnknown({ a: 1 }, { b: true })).toEqual({ a: 1, b: "\u0000unknown\u0000" });
    expect(show({ a: 1 }, {}, { b: true })).toBe('{"a":1,"b":(known after apply)}');
  });

  it("never cuts a value: a long one is shown whole", () => {
    const text = show({ secret: "S".repeat(500), open: "o".repeat(500) }, { secret: true });
    expect(text).toBe(`{"secret":(sensitive),"open":"${"o".repeat(500)}"}`);
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
    expect(singleNote(plan, { environment: "dev" })).toContain(
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
    const note = singleNote(plan, { environment: "dev" });
    expect(note).toContain("  - `memory_size`: `128` → `256`");
    expect(note).not.toContain("`environment`");
  });
});

describe("renderStepsNote: the rollout steps planned in the pipeline that deployed", () => {
  const promote = fixturePlan("plan-all-actions.json");
  const rollback = fixturePlan("plan-no-changes.json");
  const note = renderStepsNote(
    [
      { step: "promote", plan: promote },
      { step: "rollback", plan: rollback },
    ],
    { environment: "dev", jobUrl: JOB_URL, commitSha: "0123456789abcdef" },
  );
  const section = (step: string) => note.slice(note.indexOf(`#### ${step}:`)).split(/\n(?=#### )/)[0];

  it("has its own marker, which the environment's plan note never updates or deletes", () => {
    expect(note.split("\n")[0]).not.toBe(noteMarker("dev"));
    expect(note.startsWith(noteMarkerPrefix("dev"))).toBe(false);
    expect(note).toContain("### Rollout plans for `dev` at `01234567`");
    expect(note).toContain(`[this job](${JOB_URL})`);
  });

  it("shows a section per step with its counts and every changed address", () => {
    const text = section("promote");
    expect(text).toContain("#### promote: 1 to create, 2 to update, 2 to replace, 1 to delete, 1 to read");
    expect(text).toContain("| 1 | 2 | 2 | 1 | 1 |");
    const changed = (promote.resource_changes ?? []).filter((rc) => rc.change.actions.join() !== "no-op");
    // An address with a backtick is code-quoted with double backticks, which listedAddresses does not read.
    const plain = changed.filter((rc) => !rc.address.includes("`"));
    expect([...listedAddresses(text)].sort()).toEqual(plain.map((rc) => rc.address).sort());
    for (const rc of changed) expect(text).toContain(rc.address);
    expect(text).toContain("1 resource will be destroyed");
  });

  it("says a step with nothing to apply has no changes", () => {
    expect(section("rollback").trim()).toBe("#### rollback: no changes");
  });
});
