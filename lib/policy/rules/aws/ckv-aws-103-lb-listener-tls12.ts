import { defineRule, isKnown, show } from "../../rule";

// ELB security policies whose minimum protocol is TLS 1.2 or 1.3 (names as AWS publishes them).
const TLS12_OR_LATER = /TLS13-1-[23]|TLS-1-2|FS-1-2|TLS13-1-3/;

export const lbListenerTls12 = defineRule({
  id: "CKV_AWS_103",
  description: "HTTPS/TLS load balancer listeners refuse TLS older than 1.2",
  fix: 'set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" (ssl_policy)',
  level: "error",
  appliesTo: ["aws_lb_listener", "aws_alb_listener"],
  check: ({ attributes }) => {
    if (attributes.protocol !== "HTTPS" && attributes.protocol !== "TLS") return undefined;
    const policy = attributes.ssl_policy;
    if (!isKnown(policy) || (typeof policy === "string" && TLS12_OR_LATER.test(policy))) return undefined;
    return policy === undefined
      ? "ssl_policy is unset (ELBSecurityPolicy-2016-08 allows TLS 1.0)"
      : `ssl_policy ${show(policy)} allows TLS older than 1.2`;
  },
});
