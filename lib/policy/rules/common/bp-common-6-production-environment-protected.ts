import { blocks, defineRule, show } from "../../rule";

/** Who may deploy to a production environment: maintainers and owners, never developers. */
const DEPLOYERS = new Set(["maintainer", "owner", "admin"]);

/**
 * The GitLab side of production protections (bootstrap stack): the
 * protection of a production-tier environment requires an approval and lets
 * only maintainers deploy. Switching either off lets a merge to the default
 * branch reach production unreviewed. (prevent_destroy is applied by an
 * aspect on the environment itself, after this rule runs: its tests cover it.)
 */
export const productionEnvironmentProtected = defineRule({
  id: "BP_COMMON_6",
  description: "Production GitLab environments require an approval and let only maintainers deploy",
  fix: "the production environment's protection needs approvalRules (requiredApprovals >= 1) and deployAccessLevels maintainer",
  level: "error",
  appliesTo: ["gitlab_project_protected_environment"],
  check: ({ attributes, expression, resources }) => {
    const environment = /\$\{(gitlab_project_environment\.[\w-]+)\./.exec(expression(attributes.environment))?.[1];
    const tier = resources?.(["gitlab_project_environment"]).find((r) => r.address === environment)?.attributes.tier;
    if (tier !== "production") return undefined;
    const approvals = blocks(attributes.approval_rules).reduce(
      (sum, rule) => sum + (typeof rule.required_approvals === "number" ? rule.required_approvals : 0),
      0,
    );
    if (approvals < 1) return "a production environment's deployments need no approval";
    const levels = blocks(attributes.deploy_access_levels_attribute ?? attributes.deploy_access_levels);
    const loose = levels.find(
      (level) => level.access_level !== undefined && !DEPLOYERS.has(String(level.access_level)),
    );
    if (loose !== undefined) return `deploy access level ${show(loose.access_level)} may deploy to production`;
    return levels.length === 0 ? "no deploy access level: anyone who can run the job deploys" : undefined;
  },
});
