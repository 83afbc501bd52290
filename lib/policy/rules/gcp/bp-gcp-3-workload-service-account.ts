import { block, defineRule, isKnown } from "../../rule";
import { DEFAULT_SERVICE_ACCOUNT } from "./members";

/** Where each serverless product names the identity it runs as. */
function identityOf(type: string, attributes: Readonly<Record<string, unknown>>): [string, unknown] {
  switch (type) {
    case "google_cloud_run_v2_service":
      return ["template.service_account", block(attributes, "template").service_account];
    case "google_cloud_run_v2_job":
      return ["template.template.service_account", block(block(attributes, "template"), "template").service_account];
    default:
      return ["service_config.service_account_email", block(attributes, "service_config").service_account_email];
  }
}

export const workloadServiceAccount = defineRule({
  id: "BP_GCP_3",
  description: "Cloud Run and Cloud Functions run as their own service account, not the default compute one",
  fix: "create a google_service_account for the workload and set it as the service account (template.serviceAccount / serviceConfig.serviceAccountEmail)",
  level: "error",
  appliesTo: ["google_cloud_run_v2_service", "google_cloud_run_v2_job", "google_cloudfunctions2_function"],
  check: ({ type, attributes }) => {
    const [field, account] = identityOf(type, attributes);
    if (account === undefined) return `${field} is unset (the default compute service account, Editor on the project)`;
    return isKnown(account) && typeof account === "string" && DEFAULT_SERVICE_ACCOUNT.test(account)
      ? `${field} is a default service account`
      : undefined;
  },
});
