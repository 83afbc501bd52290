export * from "./company";
export { ConfigError } from "./errors";
export { checkEnvironments, type EnvironmentFiles, environmentFile, loadConfiguration, loadEnvironments } from "./load";
export * from "./schema";
