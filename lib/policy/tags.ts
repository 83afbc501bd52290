/**
 * Standard tags/labels (environment, service, managed-by, repository) on every
 * cloud. AWS and GCP apply them through their providers (`default_tags`,
 * `default_labels`); Azure and Cloudflare have no such setting, so
 * `StandardTagsAspect` writes them onto each resource that accepts them.
 */
import { type IAspect, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { type CompanyConfig, RESERVED_TAG_KEYS, repositoryOf } from "../config/company";

/** Keys every taggable resource of every cloud carries; the policy's required-tags rules check them. */
export const REQUIRED_TAG_KEYS = RESERVED_TAG_KEYS;

/** The required tags plus the company's own (`tags` in environments/company.ts). */
export type StandardTags = Readonly<Record<(typeof REQUIRED_TAG_KEYS)[number], string>> &
  Readonly<Record<string, string>>;

/** Tags of `environment`'s resources: the company's, then service and repository derived from its settings. */
export function standardTags(environment: string, company: CompanyConfig): StandardTags {
  return {
    ...company.tags,
    environment,
    service: company.service,
    "managed-by": "cdktf",
    repository: repositoryOf(company),
  };
}

/**
 * GCP label values allow only lowercase letters, digits, `_` and `-` (63 max),
 * so the repository path is rewritten (`gitlab.com/a/b` -> `gitlab_com-a-b`).
 */
export function gcpLabels(tags: StandardTags): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).map(([key, value]) => [
      key,
      value
        .toLowerCase()
        .replace(/\./g, "_")
        .replace(/[^a-z0-9_-]/g, "-")
        .slice(0, 63),
    ]),
  );
}

/** One line for Cloudflare `comment` fields (free plans allow 100 characters, no tags). */
export function cloudflareComment(tags: StandardTags): string {
  return `managed by ${tags["managed-by"]}: ${tags.service}/${tags.environment}`.slice(0, 100);
}

interface Taggable {
  tagsInput?: Record<string, string>;
  tags: Record<string, string>;
}
interface Commentable {
  commentInput?: string;
  comment: string;
}

/** Adds the standard tags to azurerm resources and a comment to Cloudflare DNS records; explicit values win. */
export class StandardTagsAspect implements IAspect {
  constructor(private readonly tags: StandardTags) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const type = node.terraformResourceType;
    if (type.startsWith("azurerm_") && "tagsInput" in node) {
      const taggable = node as unknown as Taggable;
      taggable.tags = { ...this.tags, ...(taggable.tagsInput ?? {}) };
    } else if (type === "cloudflare_dns_record") {
      const record = node as unknown as Commentable;
      if (record.commentInput === undefined) record.comment = cloudflareComment(this.tags);
    }
  }
}
