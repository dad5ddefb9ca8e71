/**
 * up / down / status / env of the local cluster. `up` is idempotent: a running component is verified,
 * a missing one is started, and the whole set is checked for real readiness before returning.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildAll, type BuildReport } from './build.js';
import {
  bootstrapArgocd,
  ensureDefaultProject,
  settingsEnv,
  ensureCredentials,
  ensureNodeAndStorage,
  NODE_NAME,
  writeKubeconfig,
  writeKwokPortForward,
} from './bootstrap.js';
import { components, type Component } from './components.js';
import {
  argocdBinDir,
  argocdVersion,
  binDir,
  ports as resolvePorts,
  statePaths,
  VERSIONS,
  type ArgocdVersion,
  type Ports,
  type StatePaths,
} from './config.js';
import { LocalClusterError, ToolMissingError } from './errors.js';
import { tcpOpen } from './probes.js';
import { loadKubeConfig } from './kube.js';
import {
  logFile,
  peakRssKiB,
  processArgv,
  readPid,
  recordedNames,
  runningPid,
  startManaged,
  stopManaged,
  waitFor,
} from './processes.js';

export interface ClusterInfo {
  kubeconfig: string;
  gitUrl: string;
  gitToken: string;
  stateDir: string;
  logsDir: string;
  ports: Ports;
  versions: typeof VERSIONS & { argocd: ArgocdVersion };
}

export interface UpReport {
  info: ClusterInfo;
  build: BuildReport;
  started: string[];
  upSeconds: number;
  peakRssMiB: number;
}

function requireTool(tool: string, hint: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new ToolMissingError(tool, hint);
  }
}

function infoFor(paths: StatePaths, ports: Ports, gitToken: string, argocd: ArgocdVersion): ClusterInfo {
  return {
    kubeconfig: paths.kubeconfig,
    gitUrl: `http://127.0.0.1:${ports.git}`,
    gitToken,
    stateDir: paths.root,
    logsDir: paths.logs,
    ports,
    versions: { ...VERSIONS, argocd },
  };
}

/** Ports are recorded at first `up` so later commands (and a changed environment) agree with the running set. */
function recordedInfo(paths: StatePaths): ClusterInfo | undefined {
  return existsSync(paths.info) ? (JSON.parse(readFileSync(paths.info, 'utf8')) as ClusterInfo) : undefined;
}

/** A port added after the state was recorded takes its default (or KFG_PORT_<NAME>). */
function recordedPorts(paths: StatePaths): Ports {
  return { ...resolvePorts(), ...recordedInfo(paths)?.ports };
}

/** Argo CD's processes and its cache; stopped when `up` is asked for another Argo CD version. */
const ARGOCD_PROCESSES = ['argocd-application-controller', 'argocd-repo-server', 'redis'];

export interface UpOptions {
  /** Default: KFG_ARGOCD_VERSION, else the newest line. */
  readonly argocdVersion?: ArgocdVersion;
  readonly log?: (msg: string) => void;
  /**
   * `bootstrap` (default): `up` applies Argo CD's objects and starts its processes. `absent`: neither, a
   * cluster a first install finds empty (the bench's pair that installs Argo CD too). `processes`: start
   * the processes only, for an Argo CD someone else applied (its pods "run"; nothing of it is re-applied,
   * nothing is built: it follows an `up` of this cluster), and the default project argocd-server would
   * create (the local cluster runs no argocd-server).
   */
  readonly argocd?: 'bootstrap' | 'absent' | 'processes';
}

export async function up(opts: UpOptions = {}): Promise<UpReport> {
  const log = opts.log ?? console.log;
  const version = opts.argocdVersion ?? argocdVersion();
  requireTool('git', 'apt-get install -y git');
  requireTool('redis-server', 'apt-get install -y redis-server (Argo CD needs redis)');
  const argocd = opts.argocd ?? 'bootstrap';
  // `processes` follows an `up` that built the set: a build now could wait for another checkout's lock.
  const build = argocd === 'processes' ? { built: [], cached: [] } : await buildAll(version, log);
  const started = Date.now();
  const paths = statePaths();
  const ports = recordedPorts(paths);
  const running = recordedInfo(paths)?.versions.argocd;
  if (running !== undefined && running !== version) {
    // The cluster's objects stay; Argo CD is swapped underneath them, as an in-place upgrade would.
    log(`switching Argo CD ${running} -> ${version}`);
    for (const name of ARGOCD_PROCESSES) await stopManaged(paths.pids, name);
  }
  const { adminToken, gitToken } = ensureCredentials(paths);
  const info = infoFor(paths, ports, gitToken, version);
  writeFileSync(paths.info, JSON.stringify(info, null, 2), { mode: 0o600 });
  const bin = binDir();
  const nodeReady = async () => {
    const core = loadKubeConfig(paths.kubeconfig).makeApiClient(CoreV1Api);
    const node = await core.readNode({ name: NODE_NAME });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  };
  const list = components({
    bin,
    argocdBin: argocdBinDir(version),
    argocdVersion: version,
    paths,
    ports,
    adminToken,
    nodeReady,
  }).filter((c) => argocd !== 'absent' || !ARGOCD_PROCESSES.includes(c.spec.name));
  const startedNow: string[] = [];
  for (const c of list) {
    await beforeStart(c, paths, ports, bin, version, argocd === 'bootstrap');
    let pid = runningPid(paths.pids, c.spec.name);
    if (pid !== undefined && flagsChanged(pid, c.spec)) {
      // Started by an older checkout with other flags (kwok's port-forward rules, say): start it anew.
      log(`restarting ${c.spec.name}: its flags changed`);
      await stopManaged(paths.pids, c.spec.name);
      pid = undefined;
    }
    if (pid === undefined) {
      await assertPortsFree(c);
      log(`starting ${c.spec.name} (log: ${logFile(paths.logs, c.spec.name)})`);
      pid = startManaged(c.spec, paths.logs, paths.pids);
      startedNow.push(c.spec.name);
    }
    await waitFor(c.ready, { name: c.spec.name, timeoutMs: c.timeoutMs, log: logFile(paths.logs, c.spec.name), pid });
    if (c.spec.name === 'kube-apiserver') writeKubeconfig(paths, ports, adminToken);
  }
  const upSeconds = Math.round((Date.now() - started) / 100) / 10;
  return { info, build, started: startedNow, upSeconds, peakRssMiB: peakRssMiB(paths) };
}

async function assertPortsFree(c: Component): Promise<void> {
  for (const port of c.ports) {
    const taken = await tcpOpen(port).catch(() => false);
    if (taken) {
      throw new LocalClusterError(
        `${c.spec.name}: 127.0.0.1:${port} is already in use by a process this cluster did not start ` +
          '(another local cluster with a different KFG_CLUSTER_DIR?); stop it or move the port with KFG_PORT_<NAME>',
      );
    }
  }
}

/**
 * Objects a component needs in the API before it starts (idempotent server-side applies), and the
 * environment Argo CD's own manifests would give it from argocd-cmd-params-cm and argocd-cm.
 */
async function beforeStart(
  c: Component,
  paths: StatePaths,
  ports: Ports,
  bin: string,
  version: ArgocdVersion,
  bootstrap: boolean,
): Promise<void> {
  const kc = () => loadKubeConfig(paths.kubeconfig);
  if (c.spec.name === 'kwok') {
    writeKwokPortForward(paths, ports);
    await ensureNodeAndStorage(kc(), ports);
  }
  if (c.spec.name === 'argocd-repo-server')
    await (bootstrap ? bootstrapArgocd(kc(), bin, version) : ensureDefaultProject(kc()));
  if (c.spec.name === 'argocd-repo-server' || c.spec.name === 'argocd-application-controller') {
    c.spec.env = { ...c.spec.env, ...(await settingsEnv(kc(), version, c.spec.name)) };
  }
}

/**
 * Whether a running component was started with other arguments than it would be now. Only for the
 * binaries started directly (no `match`): redis rewrites its process title, and the Node helpers are
 * matched by script name.
 */
function flagsChanged(pid: number, spec: Component['spec']): boolean {
  if (spec.match !== undefined) return false;
  const argv = processArgv(pid);
  return argv !== undefined && argv.join('\0') !== [spec.command, ...spec.args].join('\0');
}

export function peakRssMiB(paths: StatePaths = statePaths()): number {
  let kib = 0;
  for (const name of recordedNames(paths.pids)) {
    const pid = runningPid(paths.pids, name);
    if (pid !== undefined) kib += peakRssKiB(pid);
  }
  return Math.round(kib / 1024);
}

/** Stops exactly the recorded processes (reverse start order), then removes the state. */
export async function down(log: (msg: string) => void = console.log): Promise<void> {
  const paths = statePaths();
  const order = components({
    bin: binDir(),
    argocdBin: binDir(),
    argocdVersion: argocdVersion(),
    paths,
    ports: recordedPorts(paths),
    adminToken: '',
    nodeReady: () => Promise.resolve(false),
  })
    .map((c) => c.spec.name)
    .reverse();
  const names = [...order, ...recordedNames(paths.pids).filter((n) => !order.includes(n))];
  for (const name of names) {
    if (readPid(paths.pids, name) === undefined) continue;
    log((await stopManaged(paths.pids, name)) ? `stopped ${name}` : `${name} was not running`);
  }
  rmSync(paths.root, { recursive: true, force: true });
  log(`removed ${paths.root}`);
}

export interface StatusLine {
  name: string;
  pid?: number;
  running: boolean;
  log: string;
}

export function status(): { info?: ClusterInfo; components: StatusLine[]; peakRssMiB: number } {
  const paths = statePaths();
  const info = existsSync(paths.info) ? (JSON.parse(readFileSync(paths.info, 'utf8')) as ClusterInfo) : undefined;
  const names = components({
    bin: binDir(),
    argocdBin: binDir(),
    argocdVersion: argocdVersion(),
    paths,
    ports: recordedPorts(paths),
    adminToken: '',
    nodeReady: () => Promise.resolve(false),
  }).map((c) => c.spec.name);
  const lines = names.map((name) => {
    const pid = runningPid(paths.pids, name);
    return { name, running: pid !== undefined, log: logFile(paths.logs, name), ...(pid !== undefined ? { pid } : {}) };
  });
  return { ...(info ? { info } : {}), components: lines, peakRssMiB: peakRssMiB(paths) };
}

export function envLines(info: ClusterInfo): string[] {
  return [
    `export KUBECONFIG=${info.kubeconfig}`,
    `export KFG_GIT_URL=${info.gitUrl}`,
    `export KFG_GIT_TOKEN=${info.gitToken}`,
  ];
}
