# syntax=docker/dockerfile:1
# Shiplog's container image: one image, three commands (deploy/image/shiplog):
#   shiplog web       the Next.js server on $PORT (default; Next's standalone output)
#   shiplog worker    the ingestion worker and its loops (npm run worker)
#   shiplog migrate   applies prisma/migrations to DATABASE_URL, then exits
# No PostgreSQL inside: DATABASE_URL names an external one (the embedded PostgreSQL is for
# `npm start` only). docs/container-image.md says how to build, run and test it.
#
#   docker build -t shiplog .            (or: buildah bud --layers -t shiplog .)
#
# NODE_IMAGE is any Debian-based image with Node 20.9+ and npm (and useradd) on PATH; the test
# (tests/image/container-image.test.ts) builds one from Debian packages and the machine's Node.
ARG NODE_IMAGE=docker.io/library/node:20-slim

# --- build: every dependency, next build, the worker and migrator bundled ----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# The dependency layer is rebuilt only when the lock file changes; npm's download cache outlives it.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma/schema.prisma prisma/schema.prisma
COPY scripts/generate-prisma-client.mjs scripts/generate-prisma-client.mjs
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci
COPY . .
# Standalone: .next/standalone holds server.js and only the files the server loads. Server
# source maps are dropped (the image has no use for them and they carry the source).
RUN --mount=type=cache,target=/src/.next/cache,sharing=locked \
    SHIPLOG_NEXT_OUTPUT=standalone npm run build \
 && node --import tsx scripts/build-image-commands.ts .next/standalone \
 && cp -r .next/static .next/standalone/.next/static \
 && cp -r public .next/standalone/public \
 && rm -rf .next/standalone/prisma/migrations && cp -r prisma/migrations .next/standalone/prisma/migrations \
 && find .next/standalone -name '*.map' -delete

# --- runtime: node, the standalone server, the bundled commands; no dev dependencies -----------
FROM ${NODE_IMAGE} AS runtime
# A user of its own, by number so that Kubernetes' runAsNonRoot can check it. The application's
# files stay root's and read-only to it; only Next's cache folder is its.
RUN groupadd --gid 10001 shiplog \
 && useradd --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin shiplog
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000
COPY --from=build /src/.next/standalone /app
COPY deploy/image/shiplog /usr/local/bin/shiplog
RUN chmod 0755 /usr/local/bin/shiplog \
 && mkdir -p /app/.next/cache && chown 10001:10001 /app/.next/cache
USER 10001:10001
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/shiplog"]
CMD ["web"]
