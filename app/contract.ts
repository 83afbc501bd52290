/**
 * What the cloud targets need to know about the workload's packages: handler
 * and entry-point names, runtimes, environment variable names. lib/aws,
 * lib/azure and lib/gcp import these instead of hard-coding strings, so a
 * rename here fails their type-check or their tests, not a deploy.
 *
 * Pure constants, no runtime dependencies: safe to import from synth code.
 * Imports nothing from lib/: app/ never does (./constants.ts holds what
 * both share).
 */
import { AZURE_KEY_VAULT_ENV, BODY_LIMIT, SERVICE } from "./constants";
import { ORIGIN_SECRET } from "./origin-secret";

/**
 * Environment variables the workload reads. Every one is optional; an empty
 * value counts as unset. Every target sets all of them through
 * `workloadEnvironment` (lib/contract/workload-environment.ts); the parity
 * test checks each one on all six targets.
 */
export const WORKLOAD_ENV = {
  /**
   * Shared secret with the edge: requests without a matching `x-origin-secret` get 403 (health path stays open).
   * Unset, the workload fails closed: 503 on every path but the health path, and one log line saying why.
   */
  originSecret: ORIGIN_SECRET.envVar,
  /** `service` in `GET /`. @default - `service` of environments/company.ts */
  serviceName: "SERVICE_NAME",
  /** `version` in `GET /`. @default SERVICE.version */
  serviceVersion: "SERVICE_VERSION",
  /** The environment the target belongs to (dev, staging, ...), for the workload's own use. */
  environment: "SERVICE_ENVIRONMENT",
  /**
   * `region` in `GET /`. Wins over what the platform sets (Lambda `AWS_REGION`,
   * Azure `REGION_NAME`); Cloud Functions gen2, Cloud Run and Container Apps set
   * no region variable, so without it they would report "unknown".
   */
  region: "REGION",
  /**
   * `cloud` in `GET /` for the container (aws, azure, gcp), which runs the same
   * image everywhere; detected from Cloud Run / Container Apps / ECS variables
   * when unset, else `local`. Function adapters know their cloud already.
   */
  cloud: "CLOUD",
  /** Container only: the port to listen on (Cloud Run sets it itself). @default SERVICE.containerPort */
  port: "PORT",
} as const;

/**
 * Variables the workload reads besides WORKLOAD_ENV, which are not set by
 * every target's contract: the body limit travels in
 * `ServiceSpec.environmentVariables` (from the environment's
 * `service.maxBodyBytes`), the SSM parameter only on Lambda, the Key Vault
 * secret only on Azure Functions, the opt-out only
 * in local development.
 */
export const WORKLOAD_EXTRA_ENV = {
  /**
   * Lambda only: name of the SSM SecureString parameter holding the origin secret, read once per
   * cold start (Lambda has no secret references, and a plain variable is readable by anyone who
   * can read the function's configuration).
   */
  originSecretParameter: `${ORIGIN_SECRET.envVar}_PARAMETER`,
  /**
   * Azure Functions only: versionless URI of the Key Vault secret holding the origin secret
   * (`https://<vault>.vault.azure.net/secrets/<name>`), read with the identity `azureClientId`
   * names and kept 5 minutes (app/adapters/azure-key-vault.ts).
   */
  originSecretKeyVaultUri: `${ORIGIN_SECRET.envVar}${AZURE_KEY_VAULT_ENV.uriSuffix}`,
  /** Azure Functions only: client id of the user-assigned identity that reads Key Vault. */
  azureClientId: AZURE_KEY_VAULT_ENV.clientIdEnvVar,
  /**
   * Local development only: `true` serves without an origin secret. Ignored on every cloud
   * platform (an adapter that knows its cloud, or a container that detects one), so a copied
   * setting can never open a deployed origin.
   */
  allowMissingOriginSecret: "ALLOW_MISSING_ORIGIN_SECRET",
  /** Largest request body in bytes; larger ones get 413 before they are read. @default BODY_LIMIT.defaultBytes */
  maxBodyBytes: BODY_LIMIT.envVar,
} as const;

/** Lambda: file `index.js` exporting `handler`. Runtime Node 22; pure JS, so `arm64` and `x86_64` both work. */
export const LAMBDA_HANDLER = "index.handler";
export const LAMBDA_RUNTIME = "nodejs22.x";
/** Cheaper per GB-second than x86_64, and the bundle has no native code. */
export const LAMBDA_ARCHITECTURE = "arm64";

/**
 * Azure Functions (v4 Node model): the one HTTP function registered by the
 * zip's `index.js`. host.json sets `routePrefix` to "" and the route is a
 * catch-all, so the function answers on `/`, `/healthz`, ... with no `/api`.
 */
export const AZURE_FUNCTION_NAME = "workload";
/** Flex Consumption `runtime` name and version. */
export const AZURE_RUNTIME = { name: "node", version: "22" } as const;

/** Cloud Functions 2nd gen: `entry_point` and `runtime`. */
export const GCP_ENTRY_POINT = "workload";
export const GCP_RUNTIME = "nodejs22";

/** Where the container image keeps the server; `node <this>` starts it. */
export const CONTAINER_SERVER_PATH = "/app/server.js";
/**
 * Container health check command (exec form, no shell in the image), for
 * targets that run one themselves (ECS task definition `healthCheck`).
 * Cloud Run and Container Apps probe `SERVICE.healthPath` over HTTP instead.
 */
export const CONTAINER_HEALTHCHECK_COMMAND = ["/nodejs/bin/node", "/app/healthcheck.js"] as const;
/** The port the container listens on unless `PORT` says otherwise. */
export const CONTAINER_PORT = SERVICE.containerPort;
