import { defineRule, isKnown } from "../../rule";
import { FUNCTION_APP_TYPES } from "./function-apps";

export const functionAppHttpsOnly = defineRule({
  id: "CKV_AZURE_70",
  description: "Function apps redirect HTTP to HTTPS",
  fix: "set httpsOnly: true (https_only defaults to false)",
  level: "error",
  appliesTo: FUNCTION_APP_TYPES,
  check: ({ attributes }) => {
    const value = attributes.https_only;
    if (!isKnown(value) || value === true) return undefined;
    return value === undefined ? "https_only is unset (false)" : "https_only is false";
  },
});
