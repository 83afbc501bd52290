import { defineRule, isKnown } from "../../rule";

export const dnsRecordComment = defineRule({
  id: "BP_CF_1",
  description: "DNS records say who manages them (the comment stands in for tags, which need a paid plan)",
  fix: "create the record inside an EnvironmentStack (StandardTagsAspect writes the comment) or set comment",
  level: "error",
  appliesTo: ["cloudflare_dns_record"],
  check: ({ attributes }) => {
    const comment = attributes.comment;
    return !isKnown(comment) || (typeof comment === "string" && comment.trim() !== "") ? undefined : "comment is empty";
  },
});
