# Waitroom's one image: every role (gateway, controller, reservation handler, migrate) is an npm script in it.
# Build stage: all dependencies, pages and SDK bundle built (npm run build). Runtime stage: production
# dependencies only (tsx among them: the code runs as TypeScript with `node --import tsx`), non-root,
# no build tools. Debian bookworm (glibc 2.36) because the uWebSockets.js build in package.json has
# binaries for Node <= 20 only (README "Runtime"). Nothing here was built on the development machines:
# deploy/README.md says what was exercised.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only code changes.
COPY package.json package-lock.json ./
COPY packages/grant/package.json packages/grant/
RUN npm ci
COPY . .
# The pages (dist/client, with .br/.gz beside each file) and the grant package (packages/grant/dist).
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/grant/package.json packages/grant/
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.json ./
COPY server server
COPY shared shared
# The server and shared code import the grant package's TypeScript source (packages/grant/src) directly;
# its built dist/ is what `@waitroom/grant` resolves to. Both, then (test/deploy/image.test.ts).
COPY packages/grant/src packages/grant/src
COPY --from=build /app/packages/grant/dist packages/grant/dist
COPY --from=build /app/packages/grant/migrations packages/grant/migrations
COPY --from=build /app/dist/client dist/client
COPY deploy/probe.mjs deploy/probe.mjs
# Listen on every interface inside the container (the default 127.0.0.1 is for one machine).
ENV HOST=0.0.0.0 RESERVATIONS_HOST=0.0.0.0 STORE=redis
# The image's own user (uid 1000): the app writes nothing in /app (the pages are built in); an audit log,
# when configured (auditLogFile), goes to a mounted volume.
USER node
# Gateway 8080, reservation handler 8081, a standalone controller's probe port (controller.port) 9090.
EXPOSE 8080 8081 9090
# Liveness only: /livez stays 200 through a Redis outage, so Docker does not mark a gateway unhealthy then.
# The gateway's port; compose and Kubernetes give each role its own probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "deploy/probe.mjs", "http://127.0.0.1:8080/livez"]
# npm would not pass SIGTERM on reliably; run node directly (the npm scripts' commands, see package.json).
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["server/main/start-gateway.ts"]
