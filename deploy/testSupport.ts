/**
 * The packaging's drift check (deploy/deploy.test.ts): reads the Dockerfile,
 * .dockerignore, compose.yaml and deploy/k8s/*.yaml, and checks them against
 * the code: the entry point and the files the image needs, the roles, every
 * environment name and value through the real configuration loader
 * (scripts/service/config.ts) for the role of the container it is set in,
 * ports, probes, replicas, disruption budgets, network policies, and that
 * compose and Kubernetes run the same services. Every problem is one line
 * naming the file and the container (or the resource) it is in.
 *
 * Placeholders (Kubernetes Secrets' values, compose's secret files, which
 * are made on the operator's machine, and `${VAR}` interpolations) are
 * replaced by valid stand-ins, so that everything around them is still
 * validated; their names are checked like any other.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { INSTANCES } from '../domain/region.ts';
import { SUBGRAPH_NAMES } from '../schema/municipalities.ts';
import { SETTING_BY_ENV, SERVICE_ROLES, envNameIsKnown } from '../scripts/service/settings.ts';
import type { ServiceRole } from '../scripts/service/settings.ts';
import { loadServiceConfig } from '../scripts/service/config.ts';
import type { ServiceConfig } from '../scripts/service/config.ts';

/** The repository's root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The texts checked, by repository-relative path (tests tamper with copies). */
export type DeployFiles = Map<string, string>;

/** Reads the Dockerfile, .dockerignore, compose.yaml, the compose configuration files it names and deploy/k8s/*.yaml. */
export function readDeployFiles(root = ROOT): DeployFiles {
  const files: DeployFiles = new Map();
  for (const path of ['Dockerfile', '.dockerignore', 'compose.yaml', 'package.json', 'README.md'])
    files.set(path, readFileSync(join(root, path), 'utf8'));
  const compose = asRecord(parseYaml(files.get('compose.yaml')!, { merge: true }));
  for (const config of Object.values(asRecord(compose.configs))) {
    const file = asRecord(config).file;
    if (typeof file === 'string' && existsSync(join(root, file))) files.set(posix.normalize(file), readFileSync(join(root, file), 'utf8'));
  }
  for (const name of readdirSync(join(root, 'deploy', 'k8s')).sort())
    if (name.endsWith('.yaml')) files.set(`deploy/k8s/${name}`, readFileSync(join(root, 'deploy', 'k8s', name), 'utf8'));
  return files;
}

// ---------------------------------------------------------------- Dockerfile

export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
  /** Index of the stage (FROM) it belongs to. */
  readonly stage: number;
}

/** Instructions of a Dockerfile, continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split('\n');
  let stage = -1;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1);
      i++;
      const next = lines[i]!.trim();
      if (!next.startsWith('#')) line += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    out.push({ keyword, args: match[2]!.trim(), line: start + 1, stage });
  }
  return out;
}

/** An exec-form argument list (`["a", "b"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
}

/** `KEY=value KEY2="v 2"` pairs of an ENV instruction. */
function envPairs(args: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|(\S*))/g)) pairs.push([m[1]!, m[3] ?? m[4] ?? '']);
  return pairs;
}

/**
 * A .dockerignore as a predicate on repository-relative paths: true when the
 * path (or a folder above it) is excluded from the build context. `*`, `?`,
 * `**` and `!` as Docker reads them; the last matching pattern wins.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, '');
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*' && pattern[i + 1] === '*') {
          source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += pattern[i + 2] === '/' ? 2 : 1;
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, re: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negate;
    return excluded;
  };
}

/** Every file of the repository (no node_modules, no .git), repository-relative. */
function repositoryFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk('');
  return out;
}

/** What the Dockerfile's last stage holds and runs. */
export interface ImageModel {
  readonly baseImages: readonly string[];
  /** Repository files copied into the image (same relative path under WORKDIR). */
  readonly files: ReadonlySet<string>;
  readonly entrypoint: readonly string[] | undefined;
  readonly cmd: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly healthcheck: readonly string[] | undefined;
  readonly exposed: readonly number[];
  readonly workdir: string | undefined;
}

/** Reads the Dockerfile into an ImageModel, reporting what it cannot follow. */
export function imageModel(files: DeployFiles, root: string, problems: string[]): ImageModel {
  const instructions = parseDockerfile(files.get('Dockerfile') ?? '');
  const ignored = dockerignore(files.get('.dockerignore') ?? '');
  const last = Math.max(...instructions.map((i) => i.stage));
  const context = repositoryFiles(root).filter((f) => !ignored(f));
  const inImage = new Set<string>();
  const env: Record<string, string> = {};
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  let user: string | undefined;
  let healthcheck: string[] | undefined;
  let workdir: string | undefined;
  const exposed: number[] = [];
  for (const ins of instructions) {
    const where = `Dockerfile:${ins.line}`;
    if (ins.stage !== last) continue;
    switch (ins.keyword) {
      case 'ENV':
        for (const [k, v] of envPairs(ins.args)) env[k] = v;
        break;
      case 'WORKDIR':
        workdir = ins.args;
        break;
      case 'USER':
        user = ins.args;
        break;
      case 'EXPOSE':
        for (const p of ins.args.split(/\s+/)) exposed.push(Number(p.replace(/\/tcp$/, '')));
        break;
      case 'ENTRYPOINT':
        entrypoint = execForm(ins.args);
        if (!entrypoint) problems.push(`${where}: expected ENTRYPOINT in exec form (a JSON list), received the shell form`);
        break;
      case 'CMD':
        cmd = execForm(ins.args);
        if (!cmd) problems.push(`${where}: expected CMD in exec form (a JSON list), received the shell form`);
        break;
      case 'HEALTHCHECK': {
        const m = /\bCMD\s+(.*)$/.exec(ins.args);
        healthcheck = m ? (execForm(m[1]!) ?? ['/bin/sh', '-c', m[1]!]) : undefined;
        break;
      }
      case 'COPY':
      case 'ADD': {
        const words = ins.args.split(/\s+/);
        if (words.some((w) => w.startsWith('--from='))) break;
        const paths = words.filter((w) => !w.startsWith('--'));
        const dest = paths.pop()!;
        for (const src of paths) {
          const norm = posix.normalize(src).replace(/\/$/, '');
          const under = context.filter((f) => f === norm || f.startsWith(`${norm}/`));
          if (under.length === 0)
            problems.push(`${where}: ${ins.keyword} ${src}: no such file in the build context (or .dockerignore keeps it out)`);
          const sameTree = posix.normalize(dest).replace(/\/$/, '') === norm || (paths.length > 0 && /^\.\/?$/.test(dest));
          if (!sameTree)
            problems.push(`${where}: ${ins.keyword} ${src} ${dest}: expected the same path under WORKDIR (./${norm}), received ${dest}`);
          for (const f of under) inImage.add(f);
        }
        break;
      }
    }
  }
  return {
    baseImages: instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]!),
    files: inImage,
    entrypoint,
    cmd,
    env,
    user,
    healthcheck,
    exposed,
    workdir,
  };
}

/**
 * The project files a TypeScript entry point loads (static and dynamic
 * imports, `new URL('./x', import.meta.url)` files) and the packages it
 * imports, followed through every project file it reaches.
 */
export function importClosure(root: string, entry: string): { files: ReadonlySet<string>; packages: ReadonlySet<string> } {
  const key = `${root}\0${entry}`;
  const known = closures.get(key);
  if (known) return known;
  const found = followImports(root, entry);
  closures.set(key, found);
  return found;
}

/** Closures already followed (the sources do not change while the tests run; each check calls it again). */
const closures = new Map<string, { files: ReadonlySet<string>; packages: ReadonlySet<string> }>();

function followImports(root: string, entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(root, file), 'utf8');
    const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    for (const m of text.matchAll(/new URL\(\s*'(\.{1,2}\/[^']+)'\s*,\s*import\.meta\.url\s*\)/g)) specifiers.push(m[1]!);
    for (const spec of specifiers) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(file), spec));
        if (existsSync(join(root, target)) && statSync(join(root, target)).isFile()) queue.push(target);
      } else {
        const parts = spec.split('/');
        packages.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
  }
  return { files, packages };
}

// ---------------------------------------------------------------- containers

/** One container of our image, as compose or a Deployment runs it. */
export interface Container {
  readonly file: string;
  /** Compose service or Deployment name. */
  readonly name: string;
  readonly image: string;
  /** The command after the entry point: role, then its flags. */
  readonly argv: readonly string[];
  /** Environment set on the container; undefined value: a placeholder (`${VAR}`, a Secret's key). */
  readonly env: ReadonlyMap<string, string | undefined>;
  /** Files mounted into it: path → content, or undefined for a placeholder (a secret). */
  readonly mounts: ReadonlyMap<string, string | undefined>;
  readonly replicas: number;
  /** Ports the container is declared to listen on (Kubernetes containerPort, compose's published container side). */
  readonly ports: readonly number[];
  /** HTTP probes: kind, path and port. */
  readonly probes: readonly { readonly kind: string; readonly path: string; readonly port: number | undefined }[];
}

/** A valid stand-in for a placeholder of a setting (so the rest is still validated). */
export function standIn(envName: string): string {
  if (envName === 'REGION_INTERNAL_KEY') return Buffer.alloc(32, 7).toString('base64url');
  if (envName === 'DATABASE_URL') return 'postgresql://placeholder:placeholder@postgres.invalid:5432/regiongraph';
  if (envName === 'READINESS_KEY') return 'x'.repeat(32);
  if (envName === 'AUTH_JWKS_URL') return 'https://idp.example.invalid/jwks';
  if (envName === 'AUTH_ISSUER') return 'https://idp.example.invalid/';
  return 'placeholder';
}

const PEM_STAND_IN = '-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n';

/** Environment names our containers may carry that are not settings of the loader, and why. */
export const OTHER_ENV_NAMES: ReadonlyMap<string, string> = new Map([
  ['APOLLO_TELEMETRY_DISABLED', "turns off @apollo/* packages' usage reporting (nothing leaves the machine)"],
]);

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The port of a `http://127.0.0.1:PORT/path` in a healthcheck command, with its path. */
function healthcheckUrl(command: readonly string[]): { path: string; port: number } | undefined {
  const m = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[\w-]*)/.exec(command.join(' '));
  return m ? { port: Number(m[1]), path: m[2]! } : undefined;
}

/** compose.yaml's services (merge keys followed). */
export function composeServices(files: DeployFiles): Record<string, Record<string, unknown>> {
  const doc = asRecord(parseYaml(files.get('compose.yaml') ?? '', { merge: true }));
  return Object.fromEntries(Object.entries(asRecord(doc.services)).map(([k, v]) => [k, asRecord(v)]));
}

/** The containers of our image in compose.yaml. */
export function composeContainers(files: DeployFiles, image: string, problems: string[]): Container[] {
  const file = 'compose.yaml';
  const doc = asRecord(parseYaml(files.get(file) ?? '', { merge: true }));
  const configs = asRecord(doc.configs);
  const secrets = asRecord(doc.secrets);
  const out: Container[] = [];
  for (const [name, service] of Object.entries(composeServices(files))) {
    if (service.image !== image) continue;
    const env = new Map<string, string | undefined>();
    const environment = service.environment;
    const entries: [string, unknown][] = Array.isArray(environment)
      ? environment.map((e) => String(e).split(/=(.*)/s).slice(0, 2) as [string, string])
      : Object.entries(asRecord(environment));
    for (const [k, v] of entries) env.set(k, typeof v === 'string' && v.includes('${') ? undefined : v === null ? '' : String(v));
    const mounts = new Map<string, string | undefined>();
    for (const c of asList(service.configs)) {
      const ref = typeof c === 'string' ? { source: c } : asRecord(c);
      const source = String(ref.source);
      const def = asRecord(configs[source]);
      if (!configs[source]) problems.push(`${file}: ${name}: config ${source} is not defined under configs`);
      const target = typeof ref.target === 'string' ? ref.target : `/${source}`;
      const path = typeof def.file === 'string' ? posix.normalize(def.file) : '';
      const content = files.get(path);
      if (content === undefined) problems.push(`${file}: ${name}: config ${source}'s file ${String(def.file)} does not exist`);
      mounts.set(target, content);
    }
    for (const s of asList(service.secrets)) {
      const ref = typeof s === 'string' ? { source: s } : asRecord(s);
      const source = String(ref.source);
      if (!secrets[source]) problems.push(`${file}: ${name}: secret ${source} is not defined under secrets`);
      const target = typeof ref.target === 'string' ? ref.target : source;
      mounts.set(target.startsWith('/') ? target : `/run/secrets/${target}`, undefined);
    }
    const ports = asList(service.ports).map((p) =>
      Number(
        String(typeof p === 'object' ? asRecord(p).target : p)
          .split(':')
          .pop(),
      ),
    );
    const test = asList(asRecord(service.healthcheck).test).map(String);
    const url = healthcheckUrl(test);
    const command = service.command;
    out.push({
      file,
      name,
      image: String(service.image),
      argv: Array.isArray(command) ? command.map(String) : typeof command === 'string' ? command.split(/\s+/) : [],
      env,
      mounts,
      replicas: Number(asRecord(service.deploy).replicas ?? 1),
      ports,
      probes: url ? [{ kind: 'healthcheck', ...url }] : [],
    });
  }
  return out;
}

/** A Kubernetes object. */
export interface K8sObject {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

/** Every object of deploy/k8s/*.yaml. */
export function k8sObjects(files: DeployFiles): K8sObject[] {
  const out: K8sObject[] = [];
  for (const [file, text] of files) {
    if (!file.startsWith('deploy/k8s/')) continue;
    for (const doc of parseAllDocuments(text)) {
      const body = asRecord(doc.toJS());
      if (Object.keys(body).length === 0) continue;
      out.push({ file, kind: String(body.kind), name: String(asRecord(body.metadata).name), body });
    }
  }
  return out;
}

/** The pod template's spec of a Deployment. */
export function podSpec(deployment: K8sObject): Record<string, unknown> {
  return asRecord(asRecord(asRecord(deployment.body.spec).template).spec);
}

/** The pod template's labels of a Deployment. */
export function podLabels(deployment: K8sObject): Record<string, string> {
  return asRecord(asRecord(asRecord(deployment.body.spec).template).metadata).labels as Record<string, string>;
}

/** The containers of our image in the Deployments. */
export function k8sContainers(objects: readonly K8sObject[], image: string, problems: string[]): Container[] {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.name, asRecord(o.body.data)]));
  const secretKeys = new Map(
    objects
      .filter((o) => o.kind === 'Secret')
      .map((o) => [o.name, new Set([...Object.keys(asRecord(o.body.stringData)), ...Object.keys(asRecord(o.body.data))])]),
  );
  const out: Container[] = [];
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const spec = podSpec(d);
    const volumes = new Map(asList(spec.volumes).map((v) => [String(asRecord(v).name), asRecord(v)]));
    for (const c of asList(spec.containers).map(asRecord)) {
      if (c.image !== image) continue;
      const where = `${d.file}: ${d.name}`;
      const env = new Map<string, string | undefined>();
      for (const e of asList(c.env).map(asRecord)) {
        const name = String(e.name);
        if (typeof e.value === 'string') env.set(name, e.value);
        const from = asRecord(e.valueFrom);
        const cm = asRecord(from.configMapKeyRef);
        const secret = asRecord(from.secretKeyRef);
        if (cm.name !== undefined) {
          const value = configMaps.get(String(cm.name))?.[String(cm.key)];
          if (typeof value === 'string') env.set(name, value);
          else if (cm.optional !== true)
            problems.push(
              `${where}: ${name} refers to ConfigMap ${String(cm.name)} key ${String(cm.key)}, which no manifest defines (and it is not optional)`,
            );
        } else if (secret.name !== undefined) {
          if (!secretKeys.get(String(secret.name))?.has(String(secret.key)))
            problems.push(`${where}: ${name} refers to Secret ${String(secret.name)} key ${String(secret.key)}, which no manifest defines`);
          env.set(name, undefined);
        }
      }
      const mounts = new Map<string, string | undefined>();
      // A Secret's or a ConfigMap's keys (all, or the listed items) as files under `dir`.
      const project = (dir: string, source: Record<string, unknown>, kind: 'configMap' | 'secret'): void => {
        const ref = asRecord(source);
        const name = String(kind === 'secret' ? (ref.secretName ?? ref.name) : ref.name);
        const keys = kind === 'secret' ? secretKeys.get(name) : new Set(Object.keys(configMaps.get(name) ?? {}));
        if (!keys || (kind === 'configMap' && !configMaps.has(name))) {
          problems.push(`${where}: mounts ${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${name}, which no manifest defines`);
          return;
        }
        const items = asList(ref.items).map(asRecord);
        const pairs = items.length > 0 ? items.map((i) => [String(i.key), String(i.path)] as const) : [...keys].map((k) => [k, k] as const);
        for (const [key, path] of pairs) {
          if (!keys.has(key)) problems.push(`${where}: mounts key ${key} of ${name}, which it does not have`);
          const data = kind === 'configMap' ? configMaps.get(name)?.[key] : undefined;
          mounts.set(posix.join(dir, path), typeof data === 'string' ? data : undefined);
        }
      };
      for (const m of asList(c.volumeMounts).map(asRecord)) {
        const volume = volumes.get(String(m.name));
        const dir = String(m.mountPath);
        if (!volume) {
          problems.push(`${where}: mounts volume ${String(m.name)}, which the pod does not have`);
          continue;
        }
        if (volume.configMap) project(dir, asRecord(volume.configMap), 'configMap');
        if (volume.secret) project(dir, asRecord(volume.secret), 'secret');
        for (const s of asList(asRecord(volume.projected).sources).map(asRecord)) {
          if (s.configMap) project(dir, asRecord(s.configMap), 'configMap');
          if (s.secret) project(dir, asRecord(s.secret), 'secret');
        }
      }
      const namedPorts = new Map(asList(c.ports).map((p) => [String(asRecord(p).name), Number(asRecord(p).containerPort)]));
      const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'].flatMap((kind) => {
        const get = asRecord(asRecord(c[kind]).httpGet);
        if (get.path === undefined) return [];
        const port = typeof get.port === 'number' ? get.port : namedPorts.get(String(get.port));
        return [{ kind, path: String(get.path), port }];
      });
      const args = [...asList(c.command), ...asList(c.args)].map(String);
      out.push({
        file: d.file,
        name: d.name,
        image: String(c.image),
        argv: args,
        env,
        mounts,
        replicas: Number(asRecord(d.body.spec).replicas ?? 1),
        ports: [...namedPorts.values()],
        probes,
      });
    }
  }
  return out;
}

/** Every port a service of this configuration listens on. */
export function configuredPorts(config: ServiceConfig): number[] {
  switch (config.role) {
    case 'gateway':
      return [config.gateway.port];
    case 'emulators':
      return Object.values(config.ports);
    default:
      return [config.server.port];
  }
}

/**
 * Loads a container's configuration through the real loader, with the
 * image's environment under its own, placeholders as valid stand-ins and
 * files read from its mounts only. Throws what the loader throws.
 */
export function loadContainerConfig(container: Container, image: ImageModel): ServiceConfig {
  // Each check loads some thirty containers, most of them unchanged by a tampered copy: loaded once per input.
  const key = JSON.stringify([container.argv, [...container.env], [...container.mounts], image.env, image.workdir]);
  const known = loaded.get(key);
  if (known && 'config' in known) return known.config;
  if (known) throw known.error;
  try {
    const config = loadUncached(container, image);
    loaded.set(key, { config });
    return config;
  } catch (error) {
    loaded.set(key, { error });
    throw error;
  }
}

const loaded = new Map<string, { config: ServiceConfig } | { error: unknown }>();

function loadUncached(container: Container, image: ImageModel): ServiceConfig {
  const env: Record<string, string> = { ...image.env };
  for (const [k, v] of container.env) env[k] = v ?? standIn(k);
  const readFile = (path: string): string => {
    if (!container.mounts.has(path)) throw Object.assign(new Error(`${path} is not mounted`), { code: 'ENOENT' });
    const content = container.mounts.get(path);
    if (content !== undefined) return content;
    // A secret file: the stand-in of the setting whose *_FILE names it, else a PEM file's.
    const user = [...container.env].find(([k, v]) => k.endsWith('_FILE') && v === path);
    return user ? standIn(user[0].slice(0, -'_FILE'.length)) : PEM_STAND_IN;
  };
  const [role, ...argv] = container.argv;
  return loadServiceConfig({ role: role as ServiceRole, argv, env, cwd: image.workdir ?? '/app', readFile });
}

/** Whether an environment name is a setting the role reads (or the configuration file's name). */
export function envNameForRole(name: string, role: ServiceRole): boolean {
  if (name === 'REGION_CONFIG') return true;
  const setting = SETTING_BY_ENV.get(name) ?? SETTING_BY_ENV.get(name.replace(/_FILE$/, ''));
  return setting?.setting.roles.includes(role) ?? false;
}

/** The role a container runs and its municipality, as a key (`municipality porvoo`), or undefined if it is no role. */
export function serviceKey(container: Container): string | undefined {
  const [role, ...rest] = container.argv;
  if (!(SERVICE_ROLES as readonly string[]).includes(role ?? '')) return undefined;
  const i = rest.indexOf('--name');
  return i >= 0 ? `${role} ${rest[i + 1]}` : role;
}

/** Whether a label selector (matchLabels) selects these labels. */
export function selects(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const match = asRecord(asRecord(selector).matchLabels ?? selector) as Record<string, string>;
  return Object.entries(match).every(([k, v]) => labels?.[k] === v);
}

// ---------------------------------------------------------------- the checks

/** Routes the probes and scrapes may use. */
const PROBE_ROUTES = ['/healthz', '/readyz', '/metrics'];

const INSTANCE_IDS = INSTANCES.map((i) => i.id);

/** Whether a `range || range` of package.json's engines admits a Node major version. */
export function enginesAdmit(engines: string, major: number): boolean {
  return engines.split('||').some((range) => {
    const r = range.trim();
    const m = /^(\^|>=|~)?\s*v?(\d+)/.exec(r);
    if (!m) return false;
    const n = Number(m[2]);
    return m[1] === '>=' ? major >= n : major === n;
  });
}

/** The subgraph a service key serves (`municipality porvoo` → porvoo). */
function subgraphOf(key: string): string {
  return key.startsWith('municipality ') ? key.slice('municipality '.length) : key;
}

/** Runs every check; each problem is one line naming the file and the container or resource. */
export function checkDeploy(files: DeployFiles, root = ROOT): string[] {
  const problems: string[] = [];
  const pkg = JSON.parse(files.get('package.json') ?? '{}') as {
    version: string;
    engines?: { node?: string };
    dependencies?: Record<string, string>;
  };
  const imageName = `region-graph:${pkg.version}`;
  const image = imageModel(files, root, problems);
  const served = checkDockerfile(files, image, pkg, root, problems);

  const compose = composeContainers(files, imageName, problems);
  const objects = k8sObjects(files);
  const k8s = k8sContainers(objects, imageName, problems);
  const configs = new Map<Container, ServiceConfig>();
  for (const c of [...compose, ...k8s]) {
    const config = checkContainer(c, image, served, problems);
    if (config) configs.set(c, config);
  }
  checkKubernetes(objects, k8s, configs, image, served, problems);
  checkCompose(files, compose, configs, problems);

  // Compose and Kubernetes run the same services (compose's emulators stand in for the legacy systems Kubernetes reaches).
  const keys = (cs: readonly Container[]): string[] => cs.map(serviceKey).filter((k): k is string => k !== undefined && k !== 'emulators');
  const composeKeys = new Set(keys(compose));
  const k8sKeys = keys(k8s);
  for (const key of composeKeys)
    if (!k8sKeys.includes(key)) problems.push(`deploy/k8s/: no Deployment runs ${key}, which compose.yaml runs`);
  for (const key of new Set(k8sKeys)) {
    if (!composeKeys.has(key)) problems.push(`compose.yaml: no service runs ${key}, which deploy/k8s/ runs`);
    if (k8sKeys.filter((k) => k === key).length > 1) problems.push(`deploy/k8s/: more than one Deployment runs ${key}`);
  }
  return problems;
}

/** The Dockerfile's own checks; returns which probe routes the entry point's code serves. */
function checkDockerfile(
  files: DeployFiles,
  image: ImageModel,
  pkg: { engines?: { node?: string }; dependencies?: Record<string, string> },
  root: string,
  problems: string[],
): Set<string> {
  const f = 'Dockerfile';
  for (const base of image.baseImages) {
    if (!base.startsWith('node:')) continue;
    const major = Number(/^node:(\d+)/.exec(base)?.[1]);
    if (major !== 22) problems.push(`${f}: expected node:22 (Node 22 LTS, as the README recommends), received ${base}`);
    if (!enginesAdmit(pkg.engines?.node ?? '', major))
      problems.push(`${f}: ${base}'s Node ${major} is outside package.json's engines (${pkg.engines?.node})`);
  }
  if (!/Node 22 LTS/.test(files.get('README.md') ?? ''))
    problems.push(`README.md: expected it to recommend Node 22 LTS (the image's), received no such line`);
  const runs = parseDockerfile(files.get(f) ?? '').filter((i) => i.keyword === 'RUN');
  const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r.args));
  if (installs.length === 0) problems.push(`${f}: expected a RUN npm ci --omit=dev, received none`);
  for (const r of installs)
    if (!/\bnpm ci\b/.test(r.args) || !/--omit=dev\b/.test(r.args))
      problems.push(`${f}:${r.line}: expected npm ci --omit=dev (production dependencies only, from the lock file), received ${r.args}`);
  if (image.env.NODE_ENV !== 'production')
    problems.push(`${f}: expected ENV NODE_ENV=production, received ${image.env.NODE_ENV ?? 'none'}`);
  if (image.env.APOLLO_TELEMETRY_DISABLED !== 'true')
    problems.push(`${f}: expected ENV APOLLO_TELEMETRY_DISABLED=true, received ${image.env.APOLLO_TELEMETRY_DISABLED ?? 'none'}`);
  for (const name of Object.keys(image.env))
    if (!envNameIsKnown(name) && !OTHER_ENV_NAMES.has(name))
      problems.push(`${f}: ENV ${name} is no setting of scripts/service/settings.ts`);
  const uid = image.user?.split(':')[0];
  if (uid === undefined || !/^\d+$/.test(uid) || uid === '0')
    problems.push(`${f}: expected USER as a non-root numeric uid (Kubernetes' runAsNonRoot checks it), received ${image.user ?? 'none'}`);
  if (!image.healthcheck) problems.push(`${f}: expected a HEALTHCHECK, received none`);
  else {
    if (!image.healthcheck.join(' ').includes('/healthz'))
      problems.push(`${f}: expected the HEALTHCHECK on /healthz (liveness), received ${image.healthcheck.join(' ')}`);
    if (/\b(curl|wget)\b/.test(image.healthcheck.join(' ')))
      problems.push(`${f}: the HEALTHCHECK uses curl or wget, which the image does not have`);
  }
  for (const port of [4000, 4001])
    if (!image.exposed.includes(port)) problems.push(`${f}: expected EXPOSE ${port}, received ${image.exposed.join(' ')}`);

  const entry = image.entrypoint ?? [];
  const script = entry[3];
  if (entry.length !== 4 || entry[0] !== 'node' || entry[1] !== '--import' || entry[2] !== 'tsx' || !script?.endsWith('.ts'))
    problems.push(`${f}: expected ENTRYPOINT ["node", "--import", "tsx", "<script>.ts"], received ${JSON.stringify(entry)}`);
  if (!pkg.dependencies?.tsx)
    problems.push(`package.json: tsx runs the services, so it must be a dependency (the image has no devDependencies)`);
  const role = image.cmd?.[0];
  if (!(SERVICE_ROLES as readonly string[]).includes(role ?? ''))
    problems.push(`${f}: expected CMD's role as one of ${SERVICE_ROLES.join(', ')}, received ${JSON.stringify(role)}`);
  const served = new Set<string>();
  if (!script || !existsSync(join(root, script))) {
    problems.push(`${f}: the entry point ${script} does not exist`);
    return served;
  }
  const closure = importClosure(root, script);
  for (const file of closure.files)
    if (!image.files.has(file)) problems.push(`${f}: ${script} loads ${file}, which the image does not hold`);
  for (const p of closure.packages)
    if (!pkg.dependencies?.[p])
      problems.push(`package.json: ${script} imports ${p}, which is not among the dependencies (the image installs only those)`);
  const TEST_FILE = /(^|\/)[^/]+\.test\.ts$|(^|\/)testSupport(\.ts$|\/)|^(test|bench|migration|fixtures\/truth|fixtures\/generator)\//;
  for (const file of image.files)
    if (TEST_FILE.test(file)) problems.push(`${f}: the image holds ${file}, which no service needs (a test, test data or a tool)`);
  // Files the services read at run time by default (settings' defaults), and the emulators' data.
  const defaults = ['SUPERGRAPH_PATH', 'UNIT_REGISTER_FILE'].map((e) => SETTING_BY_ENV.get(e)?.setting.default ?? '');
  for (const file of defaults) if (!image.files.has(file)) problems.push(`${f}: the image lacks ${file}, which a service reads by default`);
  const fixtures = SETTING_BY_ENV.get('EMULATOR_FIXTURES_DIR')?.setting.default ?? 'fixtures';
  for (const id of INSTANCE_IDS)
    if (![...image.files].some((file) => file.startsWith(`${fixtures}/${id}/`)))
      problems.push(`${f}: the image lacks ${fixtures}/${id}/, which the emulators serve`);
  const text = [...closure.files].filter((file) => file.endsWith('.ts')).map((file) => readFileSync(join(root, file), 'utf8'));
  for (const route of PROBE_ROUTES) if (text.some((t) => t.includes(`'${route}'`) || t.includes(`"${route}"`))) served.add(route);
  return served;
}

/** One container's checks; returns its configuration when it loads. */
function checkContainer(c: Container, image: ImageModel, served: ReadonlySet<string>, problems: string[]): ServiceConfig | undefined {
  const where = `${c.file}: ${c.name}`;
  const role = c.argv[0] ?? image.cmd?.[0];
  if (!(SERVICE_ROLES as readonly string[]).includes(role ?? '')) {
    problems.push(`${where}: expected the role as one of ${SERVICE_ROLES.join(', ')}, received ${JSON.stringify(role)}`);
    return undefined;
  }
  for (const name of c.env.keys()) {
    if (OTHER_ENV_NAMES.has(name)) continue;
    if (!envNameIsKnown(name)) problems.push(`${where}: ${name} is no setting of scripts/service/settings.ts`);
    else if (!envNameForRole(name, role as ServiceRole)) problems.push(`${where}: ${name} is not read by the ${role} role`);
  }
  let config: ServiceConfig;
  try {
    config = loadContainerConfig({ ...c, argv: c.argv.length > 0 ? c.argv : (image.cmd ?? []) }, image);
  } catch (err) {
    problems.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const ports = configuredPorts(config);
  for (const p of c.ports)
    if (!ports.includes(p)) problems.push(`${where}: declares port ${p}, but the ${role} service listens on ${ports.join(', ')}`);
  for (const probe of c.probes) {
    if (!served.has(probe.path)) problems.push(`${where}: ${probe.kind} on ${probe.path}, which the services do not serve`);
    if (probe.port === undefined || !ports.includes(probe.port))
      problems.push(`${where}: ${probe.kind} on port ${probe.port}, but the ${role} service listens on ${ports.join(', ')}`);
  }
  return config;
}

/** The Deployments', Services', disruption budgets' and network policies' checks. */
function checkKubernetes(
  objects: readonly K8sObject[],
  containers: readonly Container[],
  configs: ReadonlyMap<Container, ServiceConfig>,
  image: ImageModel,
  served: ReadonlySet<string>,
  problems: string[],
): void {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const services = objects.filter((o) => o.kind === 'Service');
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const uid = Number(image.user?.split(':')[0]);
  const portsOf = (d: K8sObject): number[] =>
    asList(podSpec(d).containers).flatMap((c) => asList(asRecord(c).ports).map((p) => Number(asRecord(p).containerPort)));
  const containerOf = (d: K8sObject): Container | undefined => containers.find((c) => c.file === d.file && c.name === d.name);

  for (const d of deployments) {
    const where = `${d.file}: ${d.name}`;
    const spec = asRecord(d.body.spec);
    const pod = podSpec(d);
    const labels = podLabels(d);
    const container = containerOf(d);
    if (!container) {
      problems.push(`${where}: runs no container of the image region-graph (expected the image's name and package.json's version)`);
      continue;
    }
    const key = serviceKey(container);
    const config = configs.get(container);
    if (!selects(spec.selector, labels)) problems.push(`${where}: its selector does not select its own pod template's labels`);
    if (container.replicas < 2)
      problems.push(`${where}: expected at least 2 replicas (every service is stateless), received ${container.replicas}`);
    for (const kind of ['livenessProbe', 'readinessProbe'])
      if (!container.probes.some((p) => p.kind === kind)) problems.push(`${where}: expected a ${kind}, received none`);
    if (container.probes.find((p) => p.kind === 'livenessProbe')?.path !== '/healthz')
      problems.push(`${where}: expected the livenessProbe on /healthz`);
    if (container.probes.find((p) => p.kind === 'readinessProbe')?.path !== '/readyz')
      problems.push(`${where}: expected the readinessProbe on /readyz`);
    if (key === 'region' && !container.probes.some((p) => p.kind === 'startupProbe'))
      problems.push(`${where}: expected a startupProbe (the region service's first start builds the person index)`);
    for (const raw of asList(pod.containers)) {
      const c = asRecord(raw);
      const resources = asRecord(c.resources);
      for (const part of ['requests', 'limits'])
        for (const r of ['cpu', 'memory'])
          if (asRecord(resources[part])[r] === undefined) problems.push(`${where}: expected resources.${part}.${r}, received none`);
      const podSec = asRecord(pod.securityContext);
      const sec = { ...podSec, ...asRecord(c.securityContext) };
      if (sec.runAsNonRoot !== true) problems.push(`${where}: expected securityContext.runAsNonRoot: true`);
      if (sec.readOnlyRootFilesystem !== true) problems.push(`${where}: expected securityContext.readOnlyRootFilesystem: true`);
      if (sec.allowPrivilegeEscalation !== false) problems.push(`${where}: expected securityContext.allowPrivilegeEscalation: false`);
      if (sec.runAsUser !== undefined && sec.runAsUser !== uid)
        problems.push(`${where}: runs as uid ${String(sec.runAsUser)}, the image's USER is ${uid}`);
      const tmp = asList(c.volumeMounts)
        .map(asRecord)
        .find((m) => m.mountPath === '/tmp');
      const tmpVolume = asList(pod.volumes)
        .map(asRecord)
        .find((v) => v.name === tmp?.name);
      if (sec.readOnlyRootFilesystem === true && !tmpVolume?.emptyDir)
        problems.push(`${where}: expected an emptyDir at /tmp (tsx's compile cache) with the read-only root filesystem`);
    }
    if (config && config.role !== 'emulators') {
      const grace = Number(pod.terminationGracePeriodSeconds ?? 30) * 1000;
      const needed = config.shutdown.delayMs + config.shutdown.drainMs;
      if (!(grace > needed))
        problems.push(
          `${where}: terminationGracePeriodSeconds (${grace / 1000}) must exceed shutdown.delayMs + shutdown.drainMs (${needed} ms)`,
        );
    }
    const annotations = asRecord(asRecord(asRecord(spec.template).metadata).annotations);
    if (annotations['prometheus.io/scrape'] === 'true') {
      if (!portsOf(d).includes(Number(annotations['prometheus.io/port'])))
        problems.push(`${where}: prometheus.io/port ${String(annotations['prometheus.io/port'])} is not a port of its container`);
      if (!served.has(String(annotations['prometheus.io/path'])))
        problems.push(`${where}: prometheus.io/path ${String(annotations['prometheus.io/path'])} is not served`);
    }
    if (container.replicas > 1) {
      const pdb = budgets.filter((b) => selects(asRecord(b.body.spec).selector, labels));
      if (pdb.length === 0) problems.push(`${where}: ${container.replicas} replicas but no PodDisruptionBudget selects them`);
      for (const b of pdb) {
        const min = asRecord(b.body.spec).minAvailable;
        if (typeof min === 'number' && min >= container.replicas)
          problems.push(`${b.file}: ${b.name}: minAvailable ${min} of ${container.replicas} replicas blocks every voluntary eviction`);
      }
    }
  }
  for (const b of budgets)
    if (!deployments.some((d) => selects(asRecord(b.body.spec).selector, podLabels(d))))
      problems.push(`${b.file}: ${b.name}: selects no Deployment's pods`);

  // Services: each selects a Deployment, and its targetPort is a port of that Deployment's container.
  const serviceTarget = new Map<string, { deployment: K8sObject; ports: Map<number, number> }>();
  for (const s of services) {
    const spec = asRecord(s.body.spec);
    const selected = deployments.filter((d) => selects(spec.selector, podLabels(d)));
    if (selected.length !== 1) {
      problems.push(`${s.file}: Service ${s.name}: selects ${selected.length} Deployments, expected 1`);
      continue;
    }
    const d = selected[0]!;
    const named = new Map(
      asList(podSpec(d).containers).flatMap((c) =>
        asList(asRecord(c).ports).map((p) => [String(asRecord(p).name), Number(asRecord(p).containerPort)] as const),
      ),
    );
    const ports = new Map<number, number>();
    for (const p of asList(spec.ports).map(asRecord)) {
      const target = typeof p.targetPort === 'number' ? p.targetPort : (named.get(String(p.targetPort ?? p.port)) ?? Number(p.port));
      if (!portsOf(d).includes(target))
        problems.push(`${s.file}: Service ${s.name}: targetPort ${String(p.targetPort)} is not a port of ${d.name}`);
      ports.set(Number(p.port), target);
    }
    serviceTarget.set(s.name, { deployment: d, ports });
  }
  // The gateway's subgraph URLs reach the Deployments serving those subgraphs.
  for (const [c, config] of configs) {
    if (!c.file.startsWith('deploy/k8s/') || config.role !== 'gateway') continue;
    for (const [subgraph, raw] of Object.entries(config.gateway.subgraphUrls)) {
      const url = new URL(raw);
      const target = serviceTarget.get(url.hostname.split('.')[0]!);
      const served = target ? containerOf(target.deployment) : undefined;
      const key = served ? serviceKey(served) : undefined;
      if (!target || !key || subgraphOf(key) !== subgraph) {
        problems.push(`${c.file}: ${c.name}: gateway.subgraphs.${subgraph} (${raw}) reaches no Service of the ${subgraph} subgraph`);
        continue;
      }
      const port = target.ports.get(Number(url.port || 80));
      const listens = served ? configs.get(served) : undefined;
      if (port === undefined || (listens && !configuredPorts(listens).includes(port)))
        problems.push(
          `${c.file}: ${c.name}: gateway.subgraphs.${subgraph} (${raw}): the Service's port does not lead to the port ${key} listens on`,
        );
    }
    const missing = SUBGRAPH_NAMES.filter((n) => !(n in config.gateway.subgraphUrls));
    if (missing.length > 0)
      problems.push(`${c.file}: ${c.name}: no URL for the subgraphs ${missing.join(', ')} (the supergraph's are loopback addresses)`);
  }

  // Network policies: default deny, DNS, selectors that select pods, and the gateway → subgraph paths open both ways.
  const podsOf = (selector: unknown): K8sObject[] => deployments.filter((d) => selects(selector, podLabels(d)));
  if (
    !policies.some(
      (p) =>
        Object.keys(asRecord(asRecord(p.body.spec).podSelector)).length === 0 && asList(asRecord(p.body.spec).policyTypes).length === 2,
    )
  )
    problems.push(`deploy/k8s/: expected a default-deny NetworkPolicy (podSelector {}, Ingress and Egress), received none`);
  for (const p of policies) {
    const where = `${p.file}: NetworkPolicy ${p.name}`;
    const spec = asRecord(p.body.spec);
    const selected = podsOf(spec.podSelector);
    if (selected.length === 0) problems.push(`${where}: its podSelector selects no Deployment's pods`);
    for (const [direction, peerKey] of [
      ['ingress', 'from'],
      ['egress', 'to'],
    ] as const) {
      for (const rule of asList(spec[direction]).map(asRecord)) {
        const ports = asList(rule.ports).map((x) => Number(asRecord(x).port));
        for (const peer of asList(rule[peerKey]).map(asRecord)) {
          if (!peer.podSelector || peer.namespaceSelector) continue;
          const peers = podsOf(peer.podSelector);
          if (peers.length === 0) problems.push(`${where}: a ${peerKey} podSelector selects no Deployment's pods`);
          if (direction === 'egress')
            for (const port of ports)
              if (!peers.some((d) => portsOf(d).includes(port)))
                problems.push(`${where}: egress port ${port} is no port of the pods it reaches`);
        }
        if (direction === 'ingress')
          for (const port of ports)
            if (!selected.some((d) => portsOf(d).includes(port)))
              problems.push(`${where}: ingress port ${port} is no port of the pods it selects`);
      }
    }
  }
  const allows = (direction: 'ingress' | 'egress', pod: K8sObject, peer: K8sObject, port: number): boolean =>
    policies.some((p) => {
      const spec = asRecord(p.body.spec);
      if (!selects(spec.podSelector, podLabels(pod))) return false;
      return asList(spec[direction]).some((r) => {
        const rule = asRecord(r);
        const peers = asList(rule[direction === 'ingress' ? 'from' : 'to']).map(asRecord);
        const ports = asList(rule.ports).map((x) => Number(asRecord(x).port));
        return peers.some((x) => x.podSelector && !x.namespaceSelector && selects(x.podSelector, podLabels(peer))) && ports.includes(port);
      });
    });
  // The sources a Deployment's egress policies are written for are those its configuration reads.
  for (const d of deployments) {
    const c = containerOf(d);
    const config = c ? configs.get(c) : undefined;
    if (!config || config.role === 'gateway') continue;
    const reads = new Set(config.role === 'region' || config.role === 'municipality' ? Object.keys(config.sources) : []);
    const annotated = policies
      .filter(
        (p) => asList(asRecord(p.body.spec).policyTypes).includes('Egress') && selects(asRecord(p.body.spec).podSelector, podLabels(d)),
      )
      .map((p) => asRecord(asRecord(p.body.metadata).annotations)['region-graph/sources'])
      .filter((a): a is string => typeof a === 'string');
    const opened = new Set(annotated.flatMap((a) => a.split(',')).filter((s) => s !== ''));
    if (annotated.length === 0) problems.push(`${d.file}: ${d.name}: no egress NetworkPolicy (annotated region-graph/sources) selects it`);
    else if ([...reads].sort().join() !== [...opened].sort().join())
      problems.push(
        `${d.file}: ${d.name}: its egress policies open ${[...opened].sort().join(', ') || 'no source'}, its configuration reads ${[...reads].sort().join(', ') || 'none'}`,
      );
  }
  const gateways = deployments.filter((d) => containerOf(d)?.argv[0] === 'gateway');
  for (const d of deployments) {
    const c = containerOf(d);
    if (!c || c.argv[0] === 'gateway' || c.argv[0] === 'emulators') continue;
    for (const port of portsOf(d))
      for (const g of gateways) {
        if (!allows('ingress', d, g, port)) problems.push(`${d.file}: ${d.name}: no NetworkPolicy lets the gateway in on port ${port}`);
        if (!allows('egress', g, d, port)) problems.push(`${g.file}: ${g.name}: no NetworkPolicy lets it reach ${d.name} on port ${port}`);
      }
  }
  if (
    !policies.some((p) =>
      asList(asRecord(p.body.spec).egress).some((r) => asList(asRecord(r).ports).some((x) => Number(asRecord(x).port) === 53)),
    )
  )
    problems.push(`deploy/k8s/: expected a NetworkPolicy allowing DNS (port 53), received none`);
}

/** compose.yaml's own checks. */
function checkCompose(
  files: DeployFiles,
  containers: readonly Container[],
  configs: ReadonlyMap<Container, ServiceConfig>,
  problems: string[],
): void {
  const f = 'compose.yaml';
  const services = composeServices(files);
  for (const [name, service] of Object.entries(services)) {
    const dependsOn = service.depends_on;
    const deps: [string, Record<string, unknown>][] = Array.isArray(dependsOn)
      ? dependsOn.map((d) => [String(d), {}])
      : Object.entries(asRecord(dependsOn)).map(([k, v]) => [k, asRecord(v)]);
    for (const [dep, how] of deps) {
      const target = services[dep];
      if (!target) problems.push(`${f}: ${name}: depends on ${dep}, which is no service`);
      else if (how.condition === 'service_healthy' && (!target.healthcheck || asRecord(target.healthcheck).disable === true))
        problems.push(`${f}: ${name}: waits for ${dep} to be healthy, which has no healthcheck`);
    }
  }
  // Docker's SIGKILL comes stop_grace_period after SIGTERM (default 10 s): after the readiness delay and the drain.
  for (const c of containers) {
    const config = configs.get(c);
    if (!config || config.role === 'emulators') continue;
    const raw = String(services[c.name]?.stop_grace_period ?? '10s');
    const m = /^(\d+)(ms|s|m)$/.exec(raw);
    const grace = m ? Number(m[1]) * { ms: 1, s: 1_000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'] : NaN;
    const needed = config.shutdown.delayMs + config.shutdown.drainMs;
    if (!(grace > needed))
      problems.push(`${f}: ${c.name}: stop_grace_period (${raw}) must exceed shutdown.delayMs + shutdown.drainMs (${needed} ms)`);
  }
  // The image's HEALTHCHECK knows only GATEWAY_PORT / SERVICE_PORT from the environment, not a port from the file.
  for (const c of containers)
    if (c.probes.length === 0 && c.argv[0] !== 'emulators')
      problems.push(
        `${f}: ${c.name}: expected a healthcheck on its configured port (the image's knows only GATEWAY_PORT and SERVICE_PORT), received none`,
      );
  const byKey = (key: string): Container[] => containers.filter((c) => serviceKey(c) === key);
  const gateways = byKey('gateway');
  if (gateways.length < 2) problems.push(`${f}: expected two gateways, received ${gateways.length}`);
  const hostPorts = gateways.flatMap((g) => asList(services[g.name]?.ports).map((p) => String(p).split(':').slice(0, -1).join(':')));
  if (new Set(hostPorts).size !== gateways.length)
    problems.push(`${f}: expected each gateway on its own host port, received ${hostPorts.join(', ')}`);
  const region = byKey('region');
  if (region.reduce((n, c) => n + c.replicas, 0) < 2) problems.push(`${f}: expected two replicas of the region subgraph`);
  // The gateway's subgraph URLs and the sources' addresses lead to the compose services that serve them.
  const emulators = byKey('emulators')[0];
  const emulatorPorts = emulators ? configs.get(emulators) : undefined;
  for (const [c, config] of configs) {
    if (c.file !== f) continue;
    const where = `${f}: ${c.name}`;
    if (config.role === 'gateway') {
      for (const [subgraph, raw] of Object.entries(config.gateway.subgraphUrls)) {
        const url = new URL(raw);
        const target = containers.find((x) => x.name === url.hostname);
        const key = target ? serviceKey(target) : undefined;
        const listens = target ? configs.get(target) : undefined;
        if (!key || subgraphOf(key) !== subgraph)
          problems.push(`${where}: gateway.subgraphs.${subgraph} (${raw}) reaches no service of the ${subgraph} subgraph`);
        else if (listens && !configuredPorts(listens).includes(Number(url.port || 80)))
          problems.push(
            `${where}: gateway.subgraphs.${subgraph} (${raw}): ${target!.name} listens on ${configuredPorts(listens).join(', ')}`,
          );
      }
      const missing = SUBGRAPH_NAMES.filter((n) => !(n in config.gateway.subgraphUrls));
      if (missing.length > 0) problems.push(`${where}: no URL for the subgraphs ${missing.join(', ')}`);
    }
    if ((config.role === 'region' || config.role === 'municipality') && emulators && emulatorPorts?.role === 'emulators') {
      for (const [id, source] of Object.entries(config.sources)) {
        const m = /^(?:[a-z]+:\/\/)?(?:[^@/]*@)?([^:/]+):(\d+)/.exec(source?.address ?? '');
        if (m?.[1] !== emulators.name)
          problems.push(`${where}: sources.${id}.address leads to ${m?.[1] ?? 'no host'}, not to the emulators`);
        else if (Number(m[2]) !== emulatorPorts.ports[id as keyof typeof emulatorPorts.ports])
          problems.push(
            `${where}: sources.${id}.address's port ${m[2]} is not ${id}'s emulator's (${emulatorPorts.ports[id as keyof typeof emulatorPorts.ports]})`,
          );
      }
    }
  }
}
