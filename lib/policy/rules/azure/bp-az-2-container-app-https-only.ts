import { block, defineRule } from "../../rule";

export const containerAppHttpsOnly = defineRule({
  id: "BP_AZ_2",
  description: "Container App ingress refuses plain HTTP",
  fix: "remove ingress.allowInsecureConnections (allow_insecure_connections); HTTP is then redirected to HTTPS",
  level: "error",
  appliesTo: ["azurerm_container_app"],
  check: ({ attributes }) =>
    block(attributes, "ingress").allow_insecure_connections === true
      ? "ingress.allow_insecure_connections is true"
      : undefined,
});
