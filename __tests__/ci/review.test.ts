/**
 * What a reviewer must see in the note of real `show -json` plans: every
 * changed value on both sides (long ones as line diffs), all attributes of
 * creates, what identifies a deletion, imports, moves, forgets, drift, the
 * commit and pipeline, both ways of counting, and never a secret.
 */
import { changedAttributes, pathText } from "../../ci/plan/attributes";
import type { Plan } from "../../ci/plan/plan";
import { noteMarker, renderDriftIssue, renderFailedNote, renderFullNote } from "../../ci/plan/render";
import { markKnownSecrets } from "../../ci/plan/secrets";
import { fixturePlan } from "./helpers/plans";
import { expectToContainAll, REVIEW_PLAN_SHOWS, singleNote } from "./helpers/render";

const SHA = "3f2a9c1d4b5e6f708192a3b4c5d6e7f809112233";
const CONTEXT = {
  environment: "review-env",
  jobUrl: "https://gitlab.test/g/p/-/jobs/77",
  commitSha: SHA,
  pipelineUrl: "https://gitlab.test/g/p/-/pipelines/555",
  pipelineId: "555",
};

const note = (plan: Plan): string => singleNote(plan, CONTEXT);

describe("the note of a plan with every kind of change (plan-review.json)", () => {
  const plan = fixturePlan("plan-review.json");
  const text = note(plan);
  const details = text.slice(text.indexOf("#### Details"));

  it("names the commit and the pipeline", () => {
    expect(text).toContain(`### Plan for \`review-env\` at \`${SHA.slice(0, 8)}\`:`);
    expect(text).toContain(`commit \`${SHA}\``);
    expect(text).toContain("pipeline [#555](https://gitlab.test/g/p/-/pipelines/555)");
  });

  it("shows a changed line deep inside a long IAM policy on both sides", () => {
    // The policy is one long JSON string; its pretty-printed line diff shows the change.
    expect(details).toMatch(/- \*\*update\*\* `aws_iam_policy.invoke`\n {2}- `policy`: changed lines\n/);
    expect(details).toMatch(/^ {4}- {12}"10\.0\.0\.0\/8"$/m);
    expect(details).toMatch(/^ {4}\+ {12}"0\.0\.0\.0\/0"$/m);
    expect(details).toContain("```diff");
  });

  it("shows every known attribute of a created rule (port 22 open to the world)", () => {
    const created = details.slice(details.indexOf("<summary>create <code>aws_vpc_security_group_ingress_rule.ssh"));
    expectToContainAll(created, [
      '- `cidr_ipv4`: `"0.0.0.0/0"`',
      "- `from_port`: `22`",
      "- `to_port`: `22`",
      "- known after apply: `arn`, `id`, `security_group_rule_id`, `tags_all`",
    ]);
  });

  it("shows role, DNS and script changes, nested paths included", () => {
    expectToContainAll(details, [
      `  - ${REVIEW_PLAN_SHOWS.roleChange}`,
      `  - ${REVIEW_PLAN_SHOWS.dnsChange}`,
      "    -    return fetch(pick(env.ORIGINS, 0.9));",
      "    +    return fetch(pick(env.ORIGINS, 0.5));",
      '  - `environment[0].variables.LOG_LEVEL`: `"info"` → `"debug"`',
      "  - `memory_size`: `256` → `512`",
    ]);
  });

  it("names what a deletion removes", () => {
    expect(details).toContain(
      '- **delete** `google_storage_bucket.assets`: `id` `"blueprint-prod-assets"`, `name` `"blueprint-prod-assets"`',
    );
  });

  it("has sections for imports, moves, forgets, outputs and drift; none is 'no changes'", () => {
    expectToContainAll(text, [
      "#### Imports (1)\n\n- `aws_s3_bucket.legacy` from id `acme-legacy`\n",
      "#### Moves (1)\n\n- `azurerm_resource_group.this` → `azurerm_resource_group.main`\n",
      "#### Forgets (1): removed from the state, the objects are kept\n\n- `aws_cloudwatch_log_group.old`\n",
      "- **import** `aws_s3_bucket.legacy` (import id `acme-legacy`)",
      "- **move** `azurerm_resource_group.main` (moved from `azurerm_resource_group.this`)",
      ...REVIEW_PLAN_SHOWS.sections,
      `  - ${REVIEW_PLAN_SHOWS.driftChange}`,
      "1 to forget, 1 to import, 1 moved",
    ]);
    expect(text).not.toContain("no changes");
  });

  it("shows both counts, labelled: the note's and the MR widget's (a replacement is a create plus a delete)", () => {
    expect(text).toContain("| 1 | 5 | 1 | 1 | 0 | 1 | 1 | 1 |");
    expect(text).toContain(
      "The merge-request widget counts a replacement as one create and one delete: 2 to add, 5 to change, 2 to destroy.",
    );
  });

  it("never shows a sensitive value, even where only a nested field or a whole output is marked", () => {
    expect(text).not.toMatch(/SECRET-/);
    expect(details).toContain("  - `environment[0].variables.API_KEY`: `(sensitive)` → `(sensitive)`");
    expect(text).toContain("- **update** `origin_token`: `(sensitive)` → `(sensitive)`");
    expect(renderFullNote(plan, CONTEXT)).not.toMatch(/SECRET-/);
  });

  it("the rendered artifact holds the same list and details, without a length limit", () => {
    const full = renderFullNote(plan, CONTEXT);
    expect(full).toContain("#### Details");
    expect(full).toContain('"0.0.0.0/0"');
  });
});

describe("the note of a real `terraform show -json` plan (plan-sample.json)", () => {
  const plan = fixturePlan("plan-sample.json");
  const text = note(plan);

  it("lists every changed address and no unchanged one", () => {
    for (const rc of plan.resource_changes ?? []) {
      if (rc.change.actions.join() === "no-op") expect(text).not.toContain(`\`${rc.address}\``);
      else expect(text).toMatch(new RegExp(`^- \\*\\*\\w+\\*\\* \`${rc.address.replaceAll(".", "\\.")}\``, "m"));
    }
  });

  it("shows changed values on both sides and redacts by the sensitive trees", () => {
    expect(text).toContain('  - `instance_class`: `"db.t4g.micro"` → `"db.t4g.small"`');
    expect(text).toContain("  - `port`: `8080` → `9090` **(forces replacement)**");
    expect(text).toMatch(/^ {4}\+ {6}"10\.30\.0\.0\/16"$/m);
    expect(text).not.toContain("example-old-not-a-secret");
    expect(text).not.toContain("example-new-not-a-secret");
    expect(text).toContain("- `result`: `(sensitive)`");
  });
});

describe("the note of a plan made by Terraform 1.11 itself (plan-terraform-data.json, builtin terraform_data)", () => {
  const plan = fixturePlan("plan-terraform-data.json");
  const text = note(plan);

  it("names the move and the forget, lists every changed address, counts like the plan's own summary", () => {
    expect(text).toContain("#### Moves (1)\n\n- `terraform_data.renamed_from` → `terraform_data.renamed_to`\n");
    expect(text).toContain(
      "#### Forgets (1): removed from the state, the objects are kept\n\n- `terraform_data.kept`\n",
    );
    for (const rc of plan.resource_changes ?? []) expect(text).toContain(`\`${rc.address}\``);
    // `terraform plan` said "Plan: 2 to add, 2 to change, 2 to destroy.", as the MR widget counts.
    expect(text).toContain("2 to add, 2 to change, 2 to destroy.");
  });

  it("shows the changed policy line on both sides and what forces the replacement", () => {
    expect(text).toMatch(/^ {4}- {12}"10\.0\.0\.0\/8"$/m);
    expect(text).toMatch(/^ {4}\+ {12}"0\.0\.0\.0\/0"$/m);
    expect(text).toContain("  - `triggers_replace[0]`: `8080` → `9090` **(forces replacement)**");
    expect(text).toContain('- `input`: `{"cidr":"0.0.0.0/0","port":22}`');
  });

  it("hides a secret even where Terraform's own markers lose it (terraform_data output)", () => {
    // show -json holds the sensitive input in clear in the unmarked output too.
    expect(JSON.stringify(plan)).toContain("SECRET-key-v1");
    expect(text).not.toMatch(/SECRET-/);
    expect(text).toContain('  - `output`: `{"api_key":(sensitive),"level":"info"}` → `(known after apply)`');
    expect(renderFullNote(plan, CONTEXT)).not.toMatch(/SECRET-/);
  });
});

describe("secrets the sensitive trees miss", () => {
  it("marks any string equal to, or holding, a value marked sensitive elsewhere in the plan", () => {
    const plan: Plan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "a.secret",
          mode: "managed",
          type: "a",
          provider_name: "p",
          change: {
            actions: ["create"],
            before: null,
            after: { value: "hunter2-long-secret" },
            after_sensitive: { value: true },
          },
        },
        {
          address: "a.copy",
          mode: "managed",
          type: "a",
          provider_name: "p",
          change: {
            actions: ["update"],
            before: { plain: "x", doc: "{}" },
            after: { plain: "hunter2-long-secret", doc: '{"k":"Bearer hunter2-long-secret"}', other: "fine" },
          },
        },
      ],
    };
    const marked = markKnownSecrets(plan).resource_changes?.[1].change;
    expect(marked?.after_sensitive).toEqual({ plain: true, doc: true });
    const text = note(plan);
    expect(text).not.toContain("hunter2");
    expect(text).toContain('  - `plain`: `"x"` → `(sensitive)`');
    expect(text).toContain('  - `other`: `(none)` → `"fine"`');
  });
});

describe("attribute paths", () => {
  it("walks nested objects and equal-length lists down to the changed leaf", () => {
    const changes = changedAttributes({
      actions: ["update"],
      before: { a: { b: [1, 2, { c: "x" }] }, list: [1], same: { k: 1 } },
      after: { a: { b: [1, 3, { c: "y" }] }, list: [1, 2], same: { k: 1 } },
    });
    expect(changes.map((change) => pathText(change.path))).toEqual(["a.b[1]", "a.b[2].c", "list"]);
    expect(pathText(["tags", "kubernetes.io/role"])).toBe('tags["kubernetes.io/role"]');
  });
});

describe("the note of a failed plan", () => {
  it("says the plan failed at the commit and links the job, so the old plan is not mistaken for current", () => {
    const text = renderFailedNote({ ...CONTEXT, validate: { status: "passed", jobUrl: "https://gitlab.test/j/78" } });
    expect(text.split("\n")[0]).toBe(noteMarker("review-env"));
    expect(text).toContain(`### Plan for \`review-env\`: plan failed at \`${SHA}\``);
    expect(text).toContain("The [plan job](https://gitlab.test/g/p/-/jobs/77) failed in pipeline [#555]");
    expect(text).toContain("passed ([job](https://gitlab.test/j/78))");
  });
});

describe("the drift issue", () => {
  it("lists and details what changed outside Terraform, and says when it is gone", () => {
    const drifted = renderDriftIssue(fixturePlan("plan-review.json"), CONTEXT);
    expect(drifted.drifted).toBe(true);
    expect(drifted.title).toBe("Drift in review-env: 1 resource changed outside Terraform");
    expect(drifted.description.startsWith(drifted.marker)).toBe(true);
    expect(drifted.description).toContain("- `aws_security_group.web`: changed outside Terraform");
    expect(drifted.description).toContain(REVIEW_PLAN_SHOWS.driftChange);
    // Pending changes of the code are not drift.
    expect(drifted.description).not.toContain("aws_iam_policy.invoke");
    const clean = renderDriftIssue({ ...fixturePlan("plan-review.json"), resource_drift: [] }, CONTEXT);
    expect(clean.drifted).toBe(false);
    expect(clean.resolvedComment).toContain(`No drift in \`review-env\` at commit \`${SHA}\``);
  });
});
