# syntax=docker/dockerfile:1@sha256:87999aa3d42bdc6bea60565083ee17e86d1f3339802f543c0d03998580f9cb89
# The workload as a container: `docker build -t <service> .` from the repository root.
# The build stage bundles the server with the repository's own script
# (`npm run build:app` writes dist/container/); the runtime stage holds only
# those two self-contained files on distroless Node 22: no shell, no npm, no
# node_modules, non-root.
# Every image (and the syntax frontend) is pinned by digest, its tag kept for
# readers: ci/images.ts holds the same pins, `npm run images:pin` renews both.

FROM node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c AS build
WORKDIR /src
# Lockfile first, so the install layer is reused until dependencies change.
COPY package.json package-lock.json ./
# No install scripts: esbuild's binary comes as an optional dependency (docs/gitlab-ci.md, "Supply chain").
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build:app

FROM gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080
# Owned by root and read-only for the app user: the process cannot rewrite its own code.
COPY --from=build /src/dist/container/server.js /src/dist/container/healthcheck.js /app/
USER nonroot
EXPOSE 8080
# Exec form: the image has no shell. Cloud Run and Container Apps probe /healthz themselves.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/nodejs/bin/node", "/app/healthcheck.js"]
# The image's entrypoint is node; SIGTERM reaches the server directly (PID 1), which drains and exits 0.
CMD ["/app/server.js"]
