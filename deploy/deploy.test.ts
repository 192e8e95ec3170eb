/**
 * The packaging does not drift from the code: the Dockerfile, compose.yaml and
 * deploy/k8s/*.yaml are parsed and checked against the entry point, the
 * configuration schema and loader (scripts/service/), the routes the services
 * serve and each other (deploy/testSupport.ts says what is checked). The
 * tampered copies below show that a drift is reported, naming the file and
 * the container.
 */
import { describe, expect, it } from 'vitest';
import { checkDeploy, dockerignore, enginesAdmit, readDeployFiles } from './testSupport.ts';
import type { DeployFiles } from './testSupport.ts';

const FILES = readDeployFiles();

/** A copy of the files with one text replaced in one of them (the replacement must apply). */
function tampered(file: string, from: string | RegExp, to: string): DeployFiles {
  const text = FILES.get(file);
  if (text === undefined) throw new Error(`expected ${file} among the deployment files, received none`);
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`expected ${String(from)} in ${file}, received a text without it`);
  return new Map(FILES).set(file, changed);
}

describe('the packaging', () => {
  const problems = checkDeploy(FILES);
  const scrape = (p: string): boolean => p.includes('prometheus.io/path');

  it('agrees with the code: entry point, roles, settings, ports, probes, replicas, policies', () => {
    expect(problems.filter((p) => !scrape(p))).toEqual([]);
  });

  // Apart, so that its cause reads at once: /metrics comes with the telemetry (issue 14, item 6).
  it('scrapes only paths the services serve (/metrics on every service)', () => {
    expect(problems.filter(scrape)).toEqual([]);
  });

  it('reports an unknown environment name, naming the file and the container', () => {
    const problems = checkDeploy(tampered('deploy/k8s/region.yaml', 'name: DATABASE_URL_FILE', 'name: DATABASE_URI_FILE'));
    expect(problems).toContain('deploy/k8s/region.yaml: region: DATABASE_URI_FILE is no setting of scripts/service/settings.ts');
    // The loader refuses it as well (an unknown name with its own prefix would be: here the file is lost, so no database URL).
  });

  it('reports a setting given to a role that does not read it', () => {
    const problems = checkDeploy(
      tampered(
        'compose.yaml',
        /(pukkila:\n(?:.*\n)*?\s+command: \[municipality, --name, pukkila\])/,
        '$1\n    environment:\n      DATABASE_POOL_SIZE: 4',
      ),
    );
    expect(problems).toContain('compose.yaml: pukkila: DATABASE_POOL_SIZE is not read by the municipality role');
  });

  it('reports a wrong role and a municipality that does not exist', () => {
    expect(checkDeploy(tampered('compose.yaml', 'command: [lists]', 'command: [list]'))).toContain(
      'compose.yaml: lists: expected the role as one of gateway, region, lists, municipality, emulators, received "list"',
    );
    const problems = checkDeploy(
      tampered('deploy/k8s/municipalities.yaml', 'args: [municipality, --name, pukkila]', 'args: [municipality, --name, pukkla]'),
    );
    expect(
      problems.filter((p) => p.startsWith('deploy/k8s/municipalities.yaml: municipality-pukkila: expected --name as one of')),
    ).toHaveLength(1);
    expect(problems).toContain('compose.yaml: no service runs municipality pukkla, which deploy/k8s/ runs');
  });

  it('reports a value the configuration loader refuses, naming the key and where it came from', () => {
    const problems = checkDeploy(tampered('deploy/k8s/config.yaml', 'drainMs: 10000', 'drainMs: ten'));
    expect(problems).toContain(
      'deploy/k8s/gateway.yaml: gateway: expected shutdown.drainMs (in region.yaml) as a whole number from 0 to 600000, received "ten"',
    );
  });

  it('reports a grace period shorter than the shutdown delay and drain', () => {
    const problems = checkDeploy(tampered('deploy/k8s/config.yaml', 'drainMs: 10000', 'drainMs: 40000'));
    expect(problems).toContain(
      'deploy/k8s/lists.yaml: lists: terminationGracePeriodSeconds (30) must exceed shutdown.delayMs + shutdown.drainMs (45000 ms)',
    );
  });

  it('reports a compose grace period shorter than the shutdown delay and drain', () => {
    const problems = checkDeploy(tampered('deploy/compose/region.yaml', 'drainMs: 10000', 'drainMs: 18000'));
    expect(problems).toContain('compose.yaml: region: stop_grace_period (20s) must exceed shutdown.delayMs + shutdown.drainMs (20000 ms)');
  });

  it('reports a container port, a probe port and a subgraph URL that miss the configured port', () => {
    const ports = checkDeploy(tampered('deploy/k8s/lists.yaml', 'containerPort: 4001', 'containerPort: 4002'));
    expect(ports).toContain('deploy/k8s/lists.yaml: lists: declares port 4002, but the lists service listens on 4001');
    expect(ports).toContain('deploy/k8s/lists.yaml: lists: readinessProbe on port 4002, but the lists service listens on 4001');
    const url = checkDeploy(tampered('deploy/compose/region.yaml', 'lists: http://lists:4001/graphql', 'lists: http://lists:4002/graphql'));
    expect(url).toContain('compose.yaml: gateway-1: gateway.subgraphs.lists (http://lists:4002/graphql): lists listens on 4001');
    const host = checkDeploy(
      tampered(
        'deploy/k8s/config.yaml',
        'porvoo: http://municipality-porvoo:4001/graphql',
        'porvoo: http://municipality-sipoo:4001/graphql',
      ),
    );
    expect(host).toContain(
      'deploy/k8s/gateway.yaml: gateway: gateway.subgraphs.porvoo (http://municipality-sipoo:4001/graphql) reaches no Service of the porvoo subgraph',
    );
  });

  it('reports a probe on a route no service serves, and a missing probe', () => {
    expect(checkDeploy(tampered('deploy/k8s/gateway.yaml', 'path: /readyz', 'path: /ready'))).toContain(
      'deploy/k8s/gateway.yaml: gateway: readinessProbe on /ready, which the services do not serve',
    );
    expect(checkDeploy(tampered('deploy/k8s/region.yaml', 'startupProbe:', 'startupProbeOff:'))).toContain(
      "deploy/k8s/region.yaml: region: expected a startupProbe (the region service's first start builds the person index)",
    );
  });

  it('reports a replicated Deployment without a disruption budget, and a policy selecting nothing', () => {
    const budget = checkDeploy(
      tampered(
        'deploy/k8s/lists.yaml',
        /kind: PodDisruptionBudget\n((?:.*\n)*?)\s+app\.kubernetes\.io\/name: lists\n$/,
        'kind: PodDisruptionBudget\n$1      app.kubernetes.io/name: listz\n',
      ),
    );
    expect(budget).toContain('deploy/k8s/lists.yaml: lists: 2 replicas but no PodDisruptionBudget selects them');
    const policy = checkDeploy(
      tampered('deploy/k8s/networkpolicies.yaml', 'app.kubernetes.io/name: lists\n', 'app.kubernetes.io/name: list\n'),
    );
    expect(policy).toContain("deploy/k8s/networkpolicies.yaml: NetworkPolicy lists-egress: its podSelector selects no Deployment's pods");
    const sources = checkDeploy(
      tampered(
        'deploy/k8s/networkpolicies.yaml',
        "region-graph/sources: 'mediatri-sipoo,proconsona-sipoo,vtj'",
        "region-graph/sources: 'mediatri-sipoo,proconsona-sipoo'",
      ),
    );
    expect(sources).toContain(
      'deploy/k8s/municipalities.yaml: municipality-sipoo: its egress policies open mediatri-sipoo, proconsona-sipoo, its configuration reads mediatri-sipoo, proconsona-sipoo, vtj',
    );
    const closed = checkDeploy(
      tampered('deploy/k8s/networkpolicies.yaml', /(name: gateway-egress\n(?:.*\n)*?\s+- protocol: TCP\n\s+port: )4001/, '$14002'),
    );
    expect(closed).toContain('deploy/k8s/gateway.yaml: gateway: no NetworkPolicy lets it reach region on port 4001');
  });

  it('reports a Dockerfile on another Node, without its entry point, or with devDependencies', () => {
    expect(checkDeploy(tampered('Dockerfile', 'FROM node:22-bookworm-slim AS runtime', 'FROM node:20-bookworm-slim AS runtime'))).toContain(
      'Dockerfile: expected node:22 (Node 22 LTS, as the README recommends), received node:20-bookworm-slim',
    );
    expect(checkDeploy(tampered('Dockerfile', '"scripts/service/main.ts"]', '"scripts/service/mian.ts"]'))).toContain(
      'Dockerfile: the entry point scripts/service/mian.ts does not exist',
    );
    expect(checkDeploy(tampered('Dockerfile', 'npm ci --omit=dev', 'npm ci'))).toContainEqual(
      expect.stringMatching(/^Dockerfile:\d+: expected npm ci --omit=dev/),
    );
  });

  it('reports a file the entry point loads that the image leaves out', () => {
    const problems = checkDeploy(tampered('.dockerignore', 'fixtures/generator\n', 'fixtures/generator\ncontract\n'));
    expect(problems).toContain('Dockerfile:32: COPY contract: no such file in the build context (or .dockerignore keeps it out)');
    expect(problems).toContainEqual(
      expect.stringMatching(/^Dockerfile: scripts\/service\/main\.ts loads contract\/.*\.ts, which the image does not hold$/),
    );
  });

  it('reports a compose service without a healthcheck on its configured port', () => {
    const problems = checkDeploy(tampered('compose.yaml', /(\n {2}lists:\n(?: {4}.*\n)+)/, '$1    healthcheck:\n      disable: true\n'));
    expect(problems).toContain(
      "compose.yaml: lists: expected a healthcheck on its configured port (the image's knows only GATEWAY_PORT and SERVICE_PORT), received none",
    );
    expect(problems).toContain('compose.yaml: gateway-1: waits for lists to be healthy, which has no healthcheck');
  });

  it('reports compose and Kubernetes running different services', () => {
    const problems = checkDeploy(tampered('compose.yaml', /\n {2}pukkila:\n(?: {4}.*\n)+/, '\n'));
    expect(problems).toContain('compose.yaml: no service runs municipality pukkila, which deploy/k8s/ runs');
  });
});

describe('the helpers', () => {
  it('reads .dockerignore as Docker does: root-anchored, ** for any folders, the last match wins', () => {
    const ignored = dockerignore('test\n**/*.test.ts\n**/node_modules\nfixtures/*\n!fixtures/vtj\n');
    expect(
      ['test/e2e/a.ts', 'gateway/x.test.ts', 'a.test.ts', 'node_modules/x', 'a/node_modules/y', 'fixtures/lifecare-porvoo/a.xml'].filter(
        ignored,
      ),
    ).toHaveLength(6);
    expect(['gateway/test/a.ts', 'gateway/x.ts', 'fixtures/vtj/a.xml', 'fixtures'].filter(ignored)).toEqual([]);
  });

  it("reads package.json's engines", () => {
    expect([20, 21, 22, 24].map((n) => enginesAdmit('^20.19 || >=22.12', n))).toEqual([true, false, true, true]);
  });
});
