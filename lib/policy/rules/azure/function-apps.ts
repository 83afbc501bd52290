/** Terraform types of Azure function apps (classic plans and Flex Consumption). */
export const FUNCTION_APP_TYPES = [
  "azurerm_linux_function_app",
  "azurerm_windows_function_app",
  "azurerm_function_app_flex_consumption",
] as const;
