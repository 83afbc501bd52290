/**
 * The image's HEALTHCHECK (CONTAINER_HEALTHCHECK_COMMAND): exits 0 when the
 * server in the same container answers the health path with 2xx, else 1.
 * A separate file because the runtime image has no shell or curl.
 */
import { SERVICE } from "../constants";
import { containerPort } from "../runtime";

const url = `http://127.0.0.1:${containerPort(process.env)}${SERVICE.healthPath}`;
fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
