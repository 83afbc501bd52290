export { ConfigError } from "./errors";
export { loadEnvironments } from "./load";
export * from "./schema";
