import { defineRule, isKnown } from "../../rule";

export const lbDropInvalidHeaders = defineRule({
  id: "CKV_AWS_131",
  description: "Application load balancers drop invalid HTTP header fields (request smuggling)",
  fix: "set dropInvalidHeaderFields: true (drop_invalid_header_fields)",
  level: "warning",
  appliesTo: ["aws_lb", "aws_alb"],
  check: ({ attributes }) => {
    const type = attributes.load_balancer_type;
    if (type !== undefined && type !== "application") return undefined;
    const value = attributes.drop_invalid_header_fields;
    return !isKnown(value) || value === true ? undefined : "drop_invalid_header_fields is not true";
  },
});
