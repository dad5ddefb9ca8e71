/**
 * End to end on the local cluster, one fresh cluster per method, the same fork commit for all:
 *
 * - installer: `kubeflow-gitops install` (fork into an empty repository, adopt the cluster's Argo CD,
 *   root app-of-apps, watch) with its API requests counted by a proxy and its memory sampled.
 * - official: upstream's documented method on the fork's rendered `overlays/<target>/<component>`
 *   dirs: `kustomize build | kubectl apply --server-side --force-conflicts -f -`, retried every 20 s
 *   until it succeeds, then `kubectl wait --for=condition=Available` on the Deployments.
 * - argocd: plain Argo CD app-of-apps: `kubectl apply -f kubeflow-apps/root/kubeflow.yaml` and wait,
 *   no forced refresh; the bench's observer says when every component is ready.
 *
 * Also the API cost of a short and a long `status --watch` on the installed cluster.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { ARGOCD_NAMESPACE, FORK_APPS_DIR, LABEL_MANAGED_BY, TOOL } from '../../../installer/constants.js';
import { ensureClusterSecrets } from '../../../installer/execute/ensure-cluster-secrets.js';
import { clusterSecretsFor } from '../../../installer/plan/build-fork-plan.js';
import { createKube, type Kube, type KubeObject } from '../../../installer/systems/kube.js';
import { binDir, statePaths } from '../../../installer/systems/local-cluster/config.js';
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import { startApiProxy, type ApiProxy, type ProxiedRequest } from './api-proxy.js';
import { countByVerb, type Verb } from './classify-request.js';
import {
  createForkRepo,
  freshCluster,
  gitAuthEnv,
  restoreFork,
  saveFork,
  WORK_DIR,
  type SavedFork,
} from './cluster.js';
import { componentWaves, observedComponents, readiness, startObserver } from './observer.js';
import { lineAt, memoryPeak, runCli, writeCliLog, type CliFlavour, type CliRun } from './run-cli.js';
import { round } from './stats.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number | undefined) => (ms === undefined ? undefined : round(ms / 1000, 2));
const epochOf = (perf: number) => performance.timeOrigin + perf;

export interface E2eOptions {
  readonly release: string;
  readonly components: string;
  readonly target: string;
  readonly flavour: CliFlavour;
  readonly timeoutMs: number;
  readonly retrySeconds: number;
  /** Extra flags for `install`. */
  readonly installArgs: readonly string[];
  readonly log: (m: string) => void;
}

const stateDirs: string[] = [];

/** A fresh state directory per CLI run (it may hold a generated admin password): removed by cleanupStateDirs. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const state = mkdtempSync(join(tmpdir(), 'kfg-bench-state-'));
  stateDirs.push(state);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG,
    CI: 'true',
    GIT_TERMINAL_PROMPT: '0',
    KFG_STATE_DIR: state,
    ...extra,
  };
}

export function cleanupStateDirs(): void {
  for (const d of stateDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

function forkArgs(o: E2eOptions, info: ClusterInfo, url: string): string[] {
  return [
    '--yes',
    '--fork',
    url,
    '--mirror',
    `https://github.com/=${info.gitUrl}/`,
    '--release',
    o.release,
    '--components',
    o.components,
    '--target',
    o.target,
  ];
}

function directKube(info: ClusterInfo): Kube {
  return createKube({ kubeconfig: info.kubeconfig });
}

/** The API server certificate the local cluster generated (serves the counting proxy's TLS). */
function startProxy(info: ClusterInfo): Promise<ApiProxy> {
  const pki = statePaths(info.stateDir).pki;
  return startApiProxy({
    kubeconfig: info.kubeconfig,
    certFile: join(pki, 'apiserver.crt'),
    keyFile: join(pki, 'apiserver.key'),
  });
}

const tail = (r: CliRun, n = 8) =>
  r.lines
    .slice(-n)
    .map((l) => l.text)
    .join('\n');

/** Keeps the CLI's whole output under bench/work/logs/ and says where. */
function keepLog(what: string, r: CliRun): string {
  const file = join(WORK_DIR, 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${what}.log`);
  writeCliLog(file, r);
  return file;
}

/**
 * When the last Deployment in the cluster became Available, per its own condition (whole seconds),
 * in seconds after `startPerf`: the official method's notion of done, measured the same way for all.
 */
async function lastDeploymentAvailable(
  kube: Kube,
  startPerf: number,
): Promise<{ seconds: number | undefined; deployments: number; notAvailable: number }> {
  interface Deployment {
    status?: { conditions?: { type?: string; status?: string; lastTransitionTime?: string }[] };
  }
  const list = await kube.request<{ items: Deployment[] }>('GET', '/apis/apps/v1/deployments');
  let last = Number.NEGATIVE_INFINITY;
  let notAvailable = 0;
  for (const d of list.items) {
    const c = d.status?.conditions?.find((x) => x.type === 'Available');
    if (c?.status !== 'True' || c.lastTransitionTime === undefined) {
      notAvailable += 1;
      continue;
    }
    last = Math.max(last, Date.parse(c.lastTransitionTime));
  }
  const seconds =
    Number.isFinite(last) && notAvailable === 0 ? round((last - epochOf(startPerf)) / 1000, 1) : undefined;
  return { seconds, deployments: list.items.length, notAvailable };
}

export interface WorkloadsAvailable {
  readonly seconds: number | undefined;
  readonly deployments: number;
  readonly notAvailable: number;
}

// ------------------------------------------------------------------------------------------------
// installer

export interface ApiCounts {
  readonly total: number;
  readonly byVerb: Record<Verb, number>;
}

export interface InstallerResult {
  readonly components: readonly string[];
  readonly revision: string;
  readonly exitCode: number;
  readonly log: string;
  readonly clusterUpSeconds: number;
  readonly wallSeconds: number;
  /** From the installer's start: fork pushed, root applied, watch started, last component ready (observer). */
  readonly marks: {
    readonly forkDone?: number | undefined;
    readonly rootApplied?: number | undefined;
    readonly watchStarted?: number | undefined;
    readonly allReady?: number | undefined;
  };
  readonly lastComponent: string | undefined;
  readonly componentReadySeconds: Record<string, number | undefined>;
  /** Each component's sync wave (older results lack it). */
  readonly componentWaves?: Record<string, number> | undefined;
  /** Refresh requests (PATCHes of Applications) over the whole run (older results lack it). */
  readonly refreshPatches?: number | undefined;
  /** The last Deployment's Available transition, seconds after the start (its condition's whole-second time). */
  readonly workloadsAvailable?: WorkloadsAvailable | undefined;
  readonly overhead: {
    /** Exit minus when the bench's observer saw the last component ready (ms clock). */
    readonly exitAfterObservedReadyMs: number | undefined;
    /** Exit minus the installer's own "ready" line for the last component. */
    readonly exitAfterInstallerReadyLineMs: number | undefined;
    /** Exit minus Argo CD's timestamp (whole seconds) for the last component: the true value is up to 1 s less. */
    readonly exitAfterArgoTimestampMs: number | undefined;
    readonly argoLastComponent: string | undefined;
  };
  readonly api: {
    readonly all: ApiCounts;
    readonly beforeWatch: ApiCounts;
    readonly duringWatch: ApiCounts;
    readonly watchSeconds: number | undefined;
    /** Every request other than the watch itself after the watch started: they should be refresh PATCHes only. */
    readonly duringWatchRequests: readonly {
      readonly atSeconds: number;
      readonly method: string;
      readonly path: string;
      readonly status?: number | undefined;
    }[];
    /** Every request of the run, seconds after the installer started (path without query). */
    readonly requests?: readonly {
      readonly atSeconds: number;
      readonly method: string;
      readonly verb: Verb;
      readonly path: string;
      readonly status?: number | undefined;
    }[];
  };
  readonly memory: {
    readonly peakRssMiB: number | undefined;
    readonly peakRssDuringWatchMiB: number | undefined;
    readonly samples: number;
  };
  readonly observerWatch: { readonly lists: number; readonly watches: number; readonly restarts: number };
}

function counts(reqs: readonly ProxiedRequest[]): ApiCounts {
  return { total: reqs.length, byVerb: countByVerb(reqs) };
}

export async function runInstallerMethod(o: E2eOptions): Promise<{ result: InstallerResult; info: ClusterInfo }> {
  const { info, seconds: upSeconds } = await freshCluster(o.log);
  const name = `bench-${Date.now().toString(36)}`;
  const url = createForkRepo(info, name);
  const observer = startObserver(directKube(info), o.log);
  const proxy = await startProxy(info);
  let cli: CliRun;
  try {
    o.log(`installer: install ${o.components} into ${url}`);
    cli = await runCli(
      [
        'install',
        ...forkArgs(o, info, url),
        '--timeout',
        `${Math.round(o.timeoutMs / 60_000)}m`,
        ...o.installArgs,
        '--kubeconfig',
        proxy.kubeconfig,
      ],
      {
        flavour: o.flavour,
        env: cliEnv({ KFG_GIT_TOKEN: info.gitToken }),
        sampleMemory: true,
        onLine: (l) => {
          if (/ready —|watching|►/.test(l.text)) o.log(`  | ${l.text}`);
        },
      },
    );
  } finally {
    await proxy.close();
    // Let the observer take in the last events, then stop it.
    await sleep(2000);
    observer.stop();
  }
  const logFile = keepLog('install', cli);
  o.log(`installer: exit ${cli.code} after ${round(cli.seconds, 1)} s; output in ${logFile}`);
  const [, branch, revision] = cli.stdout.trim().split('\n').at(-1)?.split(' ') ?? [];
  if (revision === undefined || branch === undefined)
    throw new Error(`install exited ${cli.code} and printed no revision (output in ${logFile}):\n${tail(cli, 30)}`);
  saveFork(info, {
    name,
    gitUrl: info.gitUrl,
    url,
    branch,
    revision,
    release: o.release,
    components: o.components,
    target: o.target,
  });

  const names = observedComponents(observer);
  const r = readiness(observer, revision, names);
  const workloadsAvailable = await lastDeploymentAvailable(directKube(info), cli.startedAt);
  const from = (t: number | undefined) => (t === undefined ? undefined : secs(t - cli.startedAt));
  const watchReq = proxy.requests.find((q) => q.verb === 'watch' && q.resource === 'argoproj.io/applications');
  const watchAt = watchReq ? proxy.startedAt + watchReq.at : undefined;
  const before = proxy.requests.filter((q) => watchAt === undefined || proxy.startedAt + q.at < watchAt);
  const during = proxy.requests.filter((q) => watchAt !== undefined && proxy.startedAt + q.at >= watchAt);
  const lastReadyLine = [...cli.lines].reverse().find((l) => / ready — /.test(l.text))?.at;
  const mem = memoryPeak(cli.memory, watchAt ?? Number.POSITIVE_INFINITY);
  const mib = (k: number | undefined) => (k === undefined ? undefined : round(k / 1024, 0));
  const result: InstallerResult = {
    components: names,
    revision,
    exitCode: cli.code,
    log: logFile,
    clusterUpSeconds: upSeconds,
    wallSeconds: round(cli.seconds, 2),
    marks: {
      forkDone: from(lineAt(cli, /pushed [0-9a-f]{7} to|fork is up to date/)),
      rootApplied: from(lineAt(cli, /applying the root Application/)),
      watchStarted: from(watchAt),
      allReady: from(r.allReadyAt),
    },
    lastComponent: r.lastComponent,
    componentReadySeconds: Object.fromEntries(names.map((n) => [n, from(r.readyAt[n])])),
    componentWaves: componentWaves(observer),
    refreshPatches: proxy.requests.filter((q) => q.verb === 'patch' && q.resource === 'argoproj.io/applications')
      .length,
    workloadsAvailable,
    overhead: {
      exitAfterObservedReadyMs: r.allReadyAt !== undefined ? round(cli.endedAt - r.allReadyAt) : undefined,
      exitAfterInstallerReadyLineMs: lastReadyLine !== undefined ? round(cli.endedAt - lastReadyLine) : undefined,
      exitAfterArgoTimestampMs:
        r.argoAllReadyAt !== undefined ? round(epochOf(cli.endedAt) - r.argoAllReadyAt) : undefined,
      argoLastComponent: r.argoLastComponent,
    },
    api: {
      all: counts(proxy.requests),
      beforeWatch: counts(before),
      duringWatch: counts(during),
      watchSeconds: watchAt !== undefined ? secs(cli.endedAt - watchAt) : undefined,
      duringWatchRequests: during
        .filter((q) => q !== watchReq)
        .map((q) => ({
          atSeconds: round((proxy.startedAt + q.at - (watchAt ?? 0)) / 1000, 2),
          method: q.method,
          path: q.path.split('?')[0] ?? q.path,
          status: q.status,
        })),
      requests: proxy.requests.map((q) => ({
        atSeconds: round((proxy.startedAt + q.at - cli.startedAt) / 1000, 2),
        method: q.method,
        verb: q.verb,
        path: q.path.split('?')[0] ?? q.path,
        status: q.status,
      })),
    },
    memory: { peakRssMiB: mib(mem.hwmKiB), peakRssDuringWatchMiB: mib(mem.peakRssKiB), samples: cli.memory.length },
    observerWatch: { ...observer.stats },
  };
  return { result, info };
}

// ------------------------------------------------------------------------------------------------
// API cost of watching: a short and a long `status --watch` on the installed cluster

export interface WatchCostRun {
  readonly requestedSeconds: number;
  readonly wallSeconds: number;
  readonly exitCode: number;
  readonly all: ApiCounts;
  readonly requests: readonly {
    readonly atSeconds: number;
    readonly method: string;
    readonly verb: Verb;
    readonly path: string;
    readonly openSeconds?: number | undefined;
  }[];
}

export interface WatchCostResult {
  readonly runs: readonly WatchCostRun[];
}

/**
 * `status --watch` expecting a commit that never comes, so it watches until its --timeout (a failure
 * grace longer than that keeps a Degraded component from ending it early).
 */
export async function measureWatchCost(
  info: ClusterInfo,
  o: E2eOptions,
  durations: readonly number[],
): Promise<WatchCostResult> {
  const runs: WatchCostRun[] = [];
  for (const s of durations) {
    const proxy = await startProxy(info);
    try {
      o.log(`watch-cost: status --watch for ${s}s`);
      const cli = await runCli(
        [
          'status',
          '--watch',
          '--revision',
          '0'.repeat(40),
          '--timeout',
          `${s}s`,
          '--failure-grace',
          `${s + 60}s`,
          '--kubeconfig',
          proxy.kubeconfig,
        ],
        { flavour: o.flavour, env: cliEnv() },
      );
      if (cli.code !== 5)
        throw new Error(
          `status --watch exited ${cli.code} (expected 5, timeout; output in ${keepLog('status-watch', cli)}):\n${tail(cli)}`,
        );
      runs.push({
        requestedSeconds: s,
        wallSeconds: round(cli.seconds, 2),
        exitCode: cli.code,
        all: counts(proxy.requests),
        requests: proxy.requests.map((q) => ({
          atSeconds: round(q.at / 1000, 2),
          method: q.method,
          verb: q.verb,
          path: q.path.split('?')[0] ?? q.path,
          openSeconds: q.verb === 'watch' && q.durationMs !== undefined ? round(q.durationMs / 1000, 1) : undefined,
        })),
      });
    } finally {
      await proxy.close();
    }
  }
  return { runs };
}

// ------------------------------------------------------------------------------------------------
// shared by official and argocd: the same fork, restored into a fresh cluster

interface ForkComponent {
  name: string;
  wave: number;
  path: string;
  namespace: string | undefined;
  createNamespace: boolean;
}

async function freshClusterWithFork(
  o: E2eOptions,
): Promise<{ info: ClusterInfo; fork: SavedFork; upSeconds: number; forkMadeSeconds?: number }> {
  const { info, seconds } = await freshCluster(o.log);
  const saved = restoreFork(info, o.release, o.target, o.components);
  if (saved) return { info, fork: saved, upSeconds: seconds };
  // No fork from an installer run: make one the same way (not part of any method's time).
  const name = `bench-${Date.now().toString(36)}`;
  const url = createForkRepo(info, name);
  o.log(`no saved fork for ${o.components}: forking into ${url} (not timed)`);
  const cli = await runCli(['fork', ...forkArgs(o, info, url)], {
    flavour: o.flavour,
    env: cliEnv({ KFG_GIT_TOKEN: info.gitToken }),
  });
  if (cli.code !== 0) throw new Error(`fork exited ${cli.code} (output in ${keepLog('fork', cli)}):\n${tail(cli)}`);
  const [, branch, revision] = cli.stdout.trim().split(' ');
  const fork: SavedFork = {
    name,
    gitUrl: info.gitUrl,
    url,
    branch: branch ?? '',
    revision: revision ?? '',
    release: o.release,
    components: o.components,
    target: o.target,
  };
  saveFork(info, fork);
  return { info, fork, upSeconds: seconds, forkMadeSeconds: round(cli.seconds, 2) };
}

async function cloneFork(info: ClusterInfo, fork: SavedFork, dir: string): Promise<void> {
  await run('git', ['clone', '--quiet', '--branch', fork.branch, fork.url, dir], {
    env: { ...process.env, ...gitAuthEnv(info) },
  });
}

function readComponents(dir: string): ForkComponent[] {
  const out: ForkComponent[] = [];
  for (const f of readdirSync(join(dir, FORK_APPS_DIR)).filter((x) => x.endsWith('.yaml'))) {
    const app = parse(readFileSync(join(dir, FORK_APPS_DIR, f), 'utf8')) as {
      kind?: string;
      metadata?: { name?: string; annotations?: Record<string, string> };
      spec?: {
        source?: { path?: string };
        destination?: { namespace?: string };
        syncPolicy?: { syncOptions?: string[] };
      };
    } | null;
    if (app?.kind !== 'Application' || app.metadata?.name === undefined || app.spec?.source?.path === undefined)
      continue;
    out.push({
      name: app.metadata.name,
      wave: Number.parseInt(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0', 10),
      path: app.spec.source.path,
      namespace: app.spec.destination?.namespace,
      createNamespace: app.spec.syncPolicy?.syncOptions?.includes('CreateNamespace=true') ?? false,
    });
  }
  return out.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
}

// ------------------------------------------------------------------------------------------------
// official

export interface OfficialAttempt {
  readonly renderSeconds: number;
  readonly applySeconds: number;
  readonly ok: boolean;
  readonly errors: number;
  readonly firstError?: string | undefined;
}

export interface OfficialResult {
  readonly revision: string;
  readonly clusterUpSeconds: number;
  readonly wallSeconds: number;
  readonly cloneSeconds: number;
  readonly attempts: readonly OfficialAttempt[];
  readonly appliedAtSeconds: number;
  readonly waitSeconds: number;
  readonly objects: number;
  readonly deployments: number;
  readonly namespacesWaited: readonly string[];
  readonly waitFailures: readonly string[];
  readonly workloadsAvailable?: WorkloadsAvailable | undefined;
}

function pipeInto(
  cmd: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stderr });
    });
    child.stdin.end(input);
  });
}

export async function runOfficialMethod(o: E2eOptions): Promise<OfficialResult> {
  const { info, fork, upSeconds } = await freshClusterWithFork(o);
  const kube = directKube(info);
  const work = mkdtempSync(join(tmpdir(), 'kfg-bench-official-'));
  const env = { ...process.env, KUBECONFIG: info.kubeconfig, PATH: `${binDir()}:${process.env.PATH ?? ''}` };
  try {
    const t0 = performance.now();
    const dir = join(work, 'manifests');
    await cloneFork(info, fork, dir);
    const cloned = performance.now();
    const comps = readComponents(dir);
    await ensureClusterSecrets(kube, clusterSecretsFor(comps.map((c) => c.name)));
    // What Argo CD's CreateNamespace=true does; the official method's example/ ships these namespaces.
    const namespaces = [
      ...new Set(comps.filter((c) => c.createNamespace && c.namespace !== undefined).map((c) => c.namespace)),
    ].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns ?? ''}\n`);
    const attempts: OfficialAttempt[] = [];
    let rendered = '';
    for (;;) {
      const r0 = performance.now();
      const parts: string[] = [...namespaces];
      for (const c of comps)
        parts.push(
          (await run(join(binDir(), 'kustomize'), ['build', join(dir, c.path)], { env, maxBuffer: 1 << 28 })).stdout,
        );
      rendered = parts.join('\n---\n');
      const r1 = performance.now();
      const apply = await pipeInto(
        'kubectl',
        ['apply', '--server-side', '--force-conflicts', '-f', '-'],
        rendered,
        env,
      );
      const r2 = performance.now();
      const errors = apply.stderr.split('\n').filter((l) => l.trim() !== '');
      attempts.push({
        renderSeconds: round((r1 - r0) / 1000, 2),
        applySeconds: round((r2 - r1) / 1000, 2),
        ok: apply.code === 0,
        errors: errors.length,
        firstError: errors[0]?.slice(0, 300),
      });
      o.log(
        `official: attempt ${attempts.length}: ${apply.code === 0 ? 'applied' : `${errors.length} error line(s), e.g. ${errors[0]?.slice(0, 160) ?? ''}`}`,
      );
      if (apply.code === 0) break;
      if (performance.now() - t0 > o.timeoutMs)
        throw new Error(`official: still failing after ${attempts.length} attempts`);
      await sleep(o.retrySeconds * 1000);
    }
    const applied = performance.now();
    const docs = parseAllDocuments(rendered)
      .map((d) => d.toJS() as KubeObject | null)
      .filter((d): d is KubeObject => d !== null);
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    const waitNs = [...new Set(deployments.map((d) => d.metadata?.namespace ?? 'default'))].sort();
    const waitFailures: string[] = [];
    for (const ns of waitNs) {
      const left = Math.max(60, Math.round((o.timeoutMs - (performance.now() - t0)) / 1000));
      try {
        await run(
          'kubectl',
          ['wait', '--for=condition=Available', 'deployment', '--all', '-n', ns, `--timeout=${left}s`],
          { env },
        );
      } catch (err) {
        waitFailures.push(`${ns}: ${((err as { stderr?: string }).stderr ?? String(err)).trim().slice(0, 300)}`);
      }
    }
    const end = performance.now();
    return {
      revision: fork.revision,
      clusterUpSeconds: upSeconds,
      wallSeconds: round((end - t0) / 1000, 2),
      cloneSeconds: round((cloned - t0) / 1000, 2),
      attempts,
      appliedAtSeconds: round((applied - t0) / 1000, 2),
      waitSeconds: round((end - applied) / 1000, 2),
      objects: docs.length,
      deployments: deployments.length,
      namespacesWaited: waitNs,
      waitFailures,
      workloadsAvailable: await lastDeploymentAvailable(kube, t0),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------
// plain Argo CD app-of-apps

export interface ArgocdResult {
  readonly revision: string;
  readonly clusterUpSeconds: number;
  /** Until every component was ready (observer), or the timeout. */
  readonly wallSeconds: number;
  readonly timedOut: boolean;
  readonly lastComponent: string | undefined;
  readonly componentReadySeconds: Record<string, number | undefined>;
  readonly notReady: readonly string[];
  readonly workloadsAvailable?: WorkloadsAvailable | undefined;
}

/**
 * `alongside`, when given, runs this long after the root is applied, while Argo CD is busy syncing (the
 * bench uses it to measure detection latency under an install's load); the method waits for it too.
 */
export async function runArgocdMethod(
  o: E2eOptions,
  alongside?: { afterMs: number; run: (info: ClusterInfo) => Promise<void> },
): Promise<ArgocdResult> {
  const { info, fork, upSeconds } = await freshClusterWithFork(o);
  const kube = directKube(info);
  const work = mkdtempSync(join(tmpdir(), 'kfg-bench-argocd-'));
  const env = { ...process.env, KUBECONFIG: info.kubeconfig };
  try {
    const dir = join(work, 'fork');
    await cloneFork(info, fork, dir);
    const names = readComponents(dir).map((c) => c.name);
    const observer = startObserver(kube, o.log);
    try {
      const t0 = performance.now();
      // What anyone installing from a private fork does first (the installer does the same).
      await kube.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name: `${TOOL}-repo`,
          namespace: ARGOCD_NAMESPACE,
          labels: { 'argocd.argoproj.io/secret-type': 'repository', [LABEL_MANAGED_BY]: TOOL },
        },
        stringData: { type: 'git', url: fork.url, username: 'x-access-token', password: info.gitToken },
      });
      await ensureClusterSecrets(kube, clusterSecretsFor(names));
      await run('kubectl', ['apply', '-f', join(dir, FORK_APPS_DIR, 'root', 'kubeflow.yaml')], { env });
      o.log(`argocd: root applied; waiting for ${names.length} components (no forced refresh)`);
      const side = alongside ? sleep(alongside.afterMs).then(() => alongside.run(info)) : Promise.resolve();
      const allReady = await observer.allReady(fork.revision, names, o.timeoutMs);
      await side;
      const end = allReady ?? performance.now();
      const r = readiness(observer, fork.revision, names);
      return {
        revision: fork.revision,
        clusterUpSeconds: upSeconds,
        wallSeconds: round((end - t0) / 1000, 2),
        timedOut: allReady === undefined,
        lastComponent: r.lastComponent,
        componentReadySeconds: Object.fromEntries(
          names.map((n) => [n, r.readyAt[n] !== undefined ? secs((r.readyAt[n] ?? 0) - t0) : undefined]),
        ),
        notReady: names.filter((n) => r.readyAt[n] === undefined),
        workloadsAvailable: await lastDeploymentAvailable(kube, t0),
      };
    } finally {
      observer.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
