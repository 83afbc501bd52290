import { blocks, defineRule, isToken, show } from "../../rule";

export const lbListenerHttps = defineRule({
  id: "CKV_AWS_2",
  description: "Load balancer listeners serve HTTPS, or only redirect HTTP to HTTPS",
  fix: 'set protocol: "HTTPS" with a certificate, or make the HTTP listener\'s defaultAction a redirect with protocol "HTTPS"',
  level: "error",
  appliesTo: ["aws_lb_listener", "aws_alb_listener"],
  check: ({ attributes }) => {
    const protocol = attributes.protocol ?? "HTTP"; // the provider's default for application load balancers
    if (protocol !== "HTTP") return undefined; // HTTPS, TLS, a network listener (TCP/UDP), or a token
    const actions = blocks(attributes.default_action);
    const redirectsToHttps = actions.some(
      (action) => action.type === "redirect" && blocks(action.redirect).some((r) => r.protocol === "HTTPS"),
    );
    if (isToken(attributes.default_action) || redirectsToHttps) return undefined;
    return `protocol is ${show(protocol)} and the default action does not redirect to HTTPS`;
  },
});
