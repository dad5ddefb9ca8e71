/**
 * Runs the real CLI against the local cluster and a fork on its git server, for the install tests:
 * one cluster, one fresh fork per suite, and a cleanup that resets the cluster, so the next file
 * starts on an empty one. `installHarnessSuite()` registers all of that for a describe block; the
 * harness also reads what the tests check independently of the installer (the fork's tip, the
 * Applications as Argo CD reports them) and clones the fork as a team would.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { createKube, type Kube, type KubeObject } from '../../installer/systems/kube.js';
import { clusterUnavailable, ensureCluster, resetCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import type { ArgocdVersion } from '../../installer/systems/local-cluster/config.js';
import { fixturesMissing, projectRoot } from './fixtures.js';

const run = promisify(execFile);

/** Why a cluster test cannot run here (no local cluster, no fixtures), or undefined. */
export const clusterTestSkip = (): string | undefined => clusterUnavailable() ?? fixturesMissing();

/** An Application as the cluster tests read it. */
export interface App extends KubeObject {
  spec?: { syncPolicy?: { syncOptions?: string[] } };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } };
}

const APPLICATIONS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const MANAGED = `${APPLICATIONS}?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops`;

const CLI = join(projectRoot, 'installer', 'cli.ts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface InstallHarness {
  env: ClusterEnv;
  kube: Kube;
  fork: string;
  /** git environment carrying the fork token as a header (never in argv or URLs). */
  gitEnv(): Record<string, string>;
  /** Runs the CLI; `onStderr` returning 'kill' sends SIGKILL right there (interruption tests). */
  cli(args: string[], extra?: Record<string, string>, onStderr?: (line: string) => unknown): Promise<CliRun>;
  /** `install` for the local target: Pipelines, Notebooks and KServe into the suite's fork unless told otherwise. */
  installArgs(o?: { fork?: string; components?: string; timeout?: string; release?: string }): string[];
  /** For assertion messages: the run's last stderr and each Application as Argo CD reports it now. */
  explain(r: CliRun): Promise<string>;
  /** The fork branch's commit on the git server, read with git, not with the installer. */
  forkTip(branch?: string): Promise<string>;
  /** The component Applications kubeflow-gitops manages (the root `kubeflow` left out). */
  managedApps(): Promise<App[]>;
  /** Every component Application is Synced at `revision` and Healthy; returns them. */
  expectEveryComponentAt(revision: string): Promise<App[]>;
  /** A fresh clone of the fork's branch, as a team would make one; `git` runs in it. */
  cloneFork(branch?: string): Promise<{ dir: string; git: (args: string[]) => Promise<string> }>;
  cleanup(): Promise<void>;
}

/**
 * Registers the suite's harness on the enclosing describe: started before its tests (then `prepare`,
 * for what must be in the cluster first), the cluster reset after them. The object is filled in by
 * beforeAll, so tests use it as the harness itself.
 */
export function installHarnessSuite(
  o: { argocdVersion?: ArgocdVersion; prepare?: (h: InstallHarness) => Promise<void> } = {},
): InstallHarness {
  const h = {} as InstallHarness;
  beforeAll(async () => {
    Object.assign(h, await startInstallHarness(o));
    await o.prepare?.(h);
  });
  afterAll(async () => {
    // Only when the start got as far as the harness: a failed start has nothing of ours to reset.
    if ('cleanup' in h) await h.cleanup();
  });
  return h;
}

/** Polls `probe` every 3 s until it gives a value: for Argo CD's own work, which the installer does not wait for. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3000));
  }
}

interface AppReport {
  metadata?: { name?: string; finalizers?: string[] };
  operation?: unknown;
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: { phase?: string; message?: string; startedAt?: string; finishedAt?: string };
    conditions?: { type?: string; message?: string }[];
  };
}

/** One line per Application: enough to tell a stuck operation or a stale status from a slow one. */
export function describeApplications(items: readonly AppReport[]): string {
  return items
    .map((a) => {
      const st = a.status ?? {};
      const op = st.operationState;
      return [
        a.metadata?.name ?? '?',
        `${st.sync?.status ?? '-'}@${(st.sync?.revision ?? '').slice(0, 7)}`,
        st.health?.status ?? '-',
        `op=${op?.phase ?? '-'}${a.operation ? '(requested)' : ''} ${op?.startedAt ?? ''}..${op?.finishedAt ?? ''} "${(op?.message ?? '').slice(0, 120)}"`,
        ...(st.conditions ?? []).map((c) => `${c.type ?? ''}: ${(c.message ?? '').slice(0, 120)}`),
      ].join(' ');
    })
    .join('\n');
}

/** `argocdVersion`: the Argo CD the local cluster runs for this harness (default: the newest line). */
export async function startInstallHarness(o: { argocdVersion?: ArgocdVersion } = {}): Promise<InstallHarness> {
  const env = await ensureCluster(o.argocdVersion);
  const kube = createKube({ kubeconfig: env.kubeconfig });
  const fork = env.createForkRepo(`install-${Date.now().toString(36)}`);
  const cli: InstallHarness['cli'] = (args, extra = {}, onStderr) => {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: projectRoot,
        env: {
          ...process.env,
          KUBECONFIG: env.kubeconfig,
          KFG_GIT_TOKEN: env.gitToken,
          CI: 'true',
          KFG_STATE_DIR: mkdtempSync(join(tmpdir(), 'kfg-st-')),
          ...extra,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        for (const l of d.toString().split('\n')) if (l && onStderr?.(l) === 'kill') child.kill('SIGKILL');
      });
      child.on('close', (code) => {
        resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000 });
      });
    });
  };
  const gitEnv = () => ({
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${env.gitUrl}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x:${env.gitToken}`).toString('base64')}`,
    GIT_TERMINAL_PROMPT: '0',
  });
  const git = (args: string[], cwd?: string) =>
    run('git', args, { cwd, env: { ...process.env, ...gitEnv() } }).then((r) => r.stdout.trim());
  const managedApps = async (): Promise<App[]> =>
    (await kube.request<{ items: App[] }>('GET', MANAGED)).items.filter((a) => a.metadata?.name !== 'kubeflow');
  return {
    env,
    kube,
    fork,
    gitEnv,
    cli,
    forkTip: async (branch = 'kubeflow-gitops') =>
      (await git(['ls-remote', fork, `refs/heads/${branch}`])).split('\t')[0] ?? '',
    managedApps,
    async expectEveryComponentAt(revision) {
      const apps = await managedApps();
      for (const a of apps) {
        expect(
          `${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`,
        ).toBe(`${a.metadata?.name ?? ''} Synced Healthy ${revision}`);
      }
      return apps;
    },
    async cloneFork(branch = 'kubeflow-gitops') {
      const dir = mkdtempSync(join(tmpdir(), 'kfg-clone-'));
      await git(['clone', '--quiet', '--branch', branch, fork, '.'], dir);
      return { dir, git: (args: string[]) => git(args, dir) };
    },
    async explain(r) {
      const apps = await kube.request<{ items: AppReport[] }>('GET', APPLICATIONS).then(
        (l) => describeApplications(l.items),
        (err: unknown) => `(cannot list Applications: ${String(err)})`,
      );
      return `exit ${r.code} after ${Math.round(r.seconds)}s\n${r.stderr.slice(-3000)}\n--- Applications now ---\n${apps}`;
    },
    installArgs: (o = {}) => [
      'install',
      '--yes',
      '--fork',
      o.fork ?? fork,
      '--mirror',
      `https://github.com/=${env.gitUrl}/`,
      '--release',
      o.release ?? '26.03',
      '--components',
      o.components ?? 'pipelines,notebooks,kserve',
      '--target',
      'local',
      '--timeout',
      o.timeout ?? '25m',
    ],
    async cleanup() {
      // An empty cluster for the next file, not `uninstall`: uninstalling a full selection takes one to
      // three minutes on a 2-core machine, a reset 20-30 s, and uninstall has tests of its own
      // (install-lifecycle, upgrade, install-interrupted, argocd-absent).
      await resetCluster();
    },
  };
}
