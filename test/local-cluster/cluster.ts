/**
 * What other tests use: `ensureCluster()` starts the local cluster if needed (building it on a cold
 * machine), makes its git server a mirror of github.com from the fixtures (the cluster itself never
 * reads them) and returns how to reach it. One cluster serves every cluster-tier test; `up` is
 * idempotent, so calling this from each test file is cheap once the cluster runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { goAvailable } from '../../installer/systems/local-cluster/build.js';
import {
  argocdVersion,
  FORKS_OWNER,
  statePaths,
  type ArgocdVersion,
} from '../../installer/systems/local-cluster/config.js';
import type { Manifest } from '../../installer/systems/local-cluster/kube.js';
import { down, up, type ClusterInfo } from '../../installer/systems/local-cluster/lifecycle.js';
import { fixturesDir, serveUpstreamMirror } from '../support/fixtures.js';

export interface ClusterEnv {
  kubeconfig: string;
  /**
   * Base URL of the loopback git server; `${gitUrl}/kubeflow/manifests` mirrors
   * github.com/kubeflow/manifests (from the fixtures, laid out by ensureCluster).
   */
  gitUrl: string;
  /** Token for forks: HTTP Basic password (any user name) or Bearer. */
  gitToken: string;
  stateDir: string;
  logsDir: string;
  /** Where kwok forwards port-forwards to the gateway stand-in pod (GATEWAY_STAND_IN): 127.0.0.1 and this port. */
  gatewayStandInPort: number;
  /** Creates (or reuses) an empty writable bare repo `forks/<name>.git`; returns its clone URL. */
  createForkRepo(name: string): string;
  /** An Argo CD repository Secret that lets the repo-server read `repoUrl` with the git token. */
  repositorySecret(repoUrl: string, name?: string): Manifest;
}

let cached: { version: ArgocdVersion; env: Promise<ClusterEnv> } | undefined;

/**
 * Why the cluster cannot run here, or undefined. In CI nothing is optional: a missing tool is an error
 * raised by `ensureCluster()`, never a skip.
 */
export function clusterUnavailable(): string | undefined {
  if (process.env.CI) return undefined;
  const missing = [
    goAvailable() ? undefined : 'go',
    ...['git', 'redis-server', 'kubectl'].filter((t) => !onPath(t)),
  ].filter(Boolean);
  if (missing.length === 0) return undefined;
  const why = `missing ${missing.join(', ')}; the local cluster needs Go >= 1.26 (builds from the module proxy), git, redis-server and kubectl`;
  console.warn(`skipping cluster tests: ${why}`);
  return why;
}

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `version` (default: KFG_ARGOCD_VERSION or the newest line) swaps the running Argo CD when it differs. */
export function ensureCluster(version: ArgocdVersion = argocdVersion()): Promise<ClusterEnv> {
  if (cached?.version !== version) {
    // Argo CD v3.4 and v3.5 build with the gitops-engine source from the test data (the proxy serves that
    // module only from v3.6 on); the cluster reads nothing else of it.
    process.env.KFG_FIXTURES ??= fixturesDir;
    const log = (m: string) => {
      console.log(`[local-cluster] ${m}`);
    };
    const env = up({ argocdVersion: version, log }).then(async (r) => {
      log(`up in ${r.upSeconds}s with Argo CD ${version}, peak RSS ${r.peakRssMiB} MiB, logs ${r.info.logsDir}`);
      await serveUpstreamMirror(statePaths(r.info.stateDir));
      return toEnv(r.info);
    });
    cached = { version, env };
  }
  return cached.env;
}

/**
 * Stops the cluster and removes its state: the next `ensureCluster()` starts an empty one (20-30 s), which
 * is faster than uninstalling a full selection and leaves nothing of one test file to the next.
 */
export async function resetCluster(): Promise<void> {
  cached = undefined;
  const stopped: string[] = [];
  await down((m) => stopped.push(m));
  console.log(`[local-cluster] reset: ${stopped.length} step(s), state removed`);
}

function toEnv(info: ClusterInfo): ClusterEnv {
  const gitRoot = statePaths(info.stateDir).gitRoot;
  return {
    kubeconfig: info.kubeconfig,
    gitUrl: info.gitUrl,
    gitToken: info.gitToken,
    stateDir: info.stateDir,
    logsDir: info.logsDir,
    gatewayStandInPort: info.ports.gatewayStandIn,
    createForkRepo(name: string): string {
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`invalid fork repo name: ${name}`);
      const dir = join(gitRoot, FORKS_OWNER, `${name}.git`);
      if (!existsSync(dir)) {
        mkdirSync(join(gitRoot, FORKS_OWNER), { recursive: true });
        execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir]);
      }
      return `${info.gitUrl}/${FORKS_OWNER}/${name}.git`;
    },
    repositorySecret(repoUrl: string, name = 'kfg-local-git'): Manifest {
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
        stringData: { type: 'git', url: repoUrl, username: 'git', password: info.gitToken },
      };
    },
  };
}
