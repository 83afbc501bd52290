import { defineRule, show } from "../../rule";

/** Capabilities that amount to root on the host, or to the whole list. */
const DANGEROUS_CAPABILITIES = new Set([
  "ALL",
  "SYS_ADMIN",
  "NET_ADMIN",
  "SYS_PTRACE",
  "SYS_MODULE",
  "DAC_READ_SEARCH",
]);

interface ContainerDefinition {
  readonly name?: unknown;
  readonly privileged?: unknown;
  readonly user?: unknown;
  readonly linuxParameters?: { readonly capabilities?: { readonly add?: unknown } };
}

/**
 * ECS containers run unprivileged, as a non-root user, without added
 * kernel capabilities: a privileged container owns its host.
 */
export const ecsNotPrivileged = defineRule({
  id: "BP_AWS_6",
  description: "ECS containers are not privileged, do not run as root and add no dangerous capabilities",
  fix: 'remove privileged (or set false), set user to a non-root uid ("65534:65534"), and drop capabilities instead of adding them',
  level: "error",
  appliesTo: ["aws_ecs_task_definition"],
  check: ({ attributes }) => {
    const raw = attributes.container_definitions;
    if (typeof raw !== "string") return undefined;
    let definitions: ContainerDefinition[];
    try {
      definitions = JSON.parse(raw) as ContainerDefinition[];
    } catch {
      return undefined; // a token: judged where it is built
    }
    for (const container of Array.isArray(definitions) ? definitions : []) {
      const name = show(container.name);
      if (container.privileged === true) return `container ${name} is privileged`;
      if (typeof container.user === "string" && /^(root|0)(:|$)/.test(container.user)) {
        return `container ${name} runs as ${show(container.user)}`;
      }
      const added = container.linuxParameters?.capabilities?.add;
      const dangerous = (Array.isArray(added) ? added : []).find((c) => DANGEROUS_CAPABILITIES.has(String(c)));
      if (dangerous !== undefined) return `container ${name} adds capability ${show(dangerous)}`;
    }
    return undefined;
  },
});
