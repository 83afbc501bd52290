import { defineRule } from "../../rule";

export const ecsSeparateTaskRole = defineRule({
  id: "CKV_AWS_249",
  description: "ECS task definitions use different roles for the agent (execution) and the workload (task)",
  fix: "give taskRoleArn its own role with only what the workload calls; keep image pull and log rights on executionRoleArn",
  level: "warning",
  appliesTo: ["aws_ecs_task_definition"],
  check: ({ attributes, expression }) => {
    const { execution_role_arn: execution, task_role_arn: task } = attributes;
    if (execution === undefined || task === undefined) return undefined;
    // Compared as Terraform expressions: two reads of `role.arn` are different tokens for one reference.
    return expression(execution) === expression(task)
      ? "execution_role_arn and task_role_arn are the same role"
      : undefined;
  },
});
