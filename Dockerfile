# syntax=docker/dockerfile:1
#
# One image for every service of the region graph; the role is the command:
#
#   docker build -t region-graph .
#   docker run region-graph gateway | region | lists | municipality --name porvoo | emulators
#
# The services run TypeScript through tsx (a runtime dependency), so there is no compile stage:
# stage 1 installs the production dependencies only, stage 2 adds the sources the services load
# (.dockerignore keeps out tests, test data, bench/, migration/, node_modules, .git), and runs as
# a non-root user. deploy/deploy.test.ts checks this file against the code and the manifests.

# ---- stage 1: production dependencies (no devDependencies, no install scripts) ----
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no package's install script runs at build time (esbuild, tsx's compiler, ships
# its binary as an optional dependency and needs none); checked by running the services on such an install.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# ---- stage 2: the runtime image ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
  APOLLO_TELEMETRY_DISABLED=true
WORKDIR /app
# Owned by root and not writable by the service's user: the code cannot be changed at run time,
# and the root filesystem can be mounted read-only (tsx's compile cache goes to /tmp).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY domain ./domain
COPY contract ./contract
COPY adapters ./adapters
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY telemetry ./telemetry
COPY scripts ./scripts
# The sample portal's operations: the gateway registers them as trusted documents (TRUSTED_DOCUMENTS).
COPY portal/operations ./portal/operations
# The bundled synthetic region: the emulators serve it (compose), and the lists subgraph reads
# its unit register (fixtures/organisations/units.tsv) unless configured otherwise.
COPY fixtures ./fixtures

# The node image's unprivileged user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

# Gateway 4000, subgraph services 4001 (each in its own container), emulators from 4100.
EXPOSE 4000 4001

# Liveness only (/healthz: the process answers); the image has no curl, so Node's fetch. It knows the port
# from GATEWAY_PORT or SERVICE_PORT only (else 4000): compose gives every service a check on its configured
# port (the emulators, which have no HTTP route, one on their ports), Kubernetes uses its probes.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GATEWAY_PORT||process.env.SERVICE_PORT||'4000')+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["node", "--import", "tsx", "scripts/service/main.ts"]
CMD ["gateway"]
