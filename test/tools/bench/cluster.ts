/**
 * The bench's local cluster and its fork. Every end-to-end method runs on a fresh cluster (`down`
 * then `up` of the cluster named by KFG_CLUSTER_DIR and KFG_PORT_*), so the bench refuses to run on
 * the default cluster other work may be using. The fork lives in the cluster's git server, which
 * `down` deletes: it is copied out after it is made and copied back into each fresh cluster under
 * the same name, so every method installs the same commit from the same URL.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, FORKS_OWNER, statePaths } from '../../../installer/systems/local-cluster/config.js';
import { down, up, type ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import { projectRoot, serveUpstreamMirror } from '../../support/fixtures.js';
import { startApiProxy, type ApiProxy } from './api-proxy.js';

export const WORK_DIR = join(projectRoot, 'bench', 'work');

export function assertOwnCluster(allowDefault: boolean): void {
  const dir = process.env.KFG_CLUSTER_DIR;
  if (allowDefault) return;
  if (dir === undefined || resolve(dir) === resolve(join(cacheDir(), 'cluster'))) {
    throw new Error(
      'the bench takes its cluster down and up again: set KFG_CLUSTER_DIR and KFG_PORT_* to a cluster of its own ' +
        '(see README "Performance"), or pass --allow-default-cluster',
    );
  }
}

/**
 * `down`, then `up`: with Argo CD as the local cluster runs it (adopted by the installer), or with
 * `argocd: 'absent'` an empty cluster, on which Argo CD's processes start only once someone has
 * applied Argo CD and its pods are scheduled (argocd-pods.ts).
 */
export async function freshCluster(
  log: (m: string) => void,
  opts: { readonly argocd?: 'bootstrap' | 'absent' } = {},
): Promise<{ info: ClusterInfo; seconds: number }> {
  log('cluster: down');
  await down(() => undefined);
  log(`cluster: up${opts.argocd === 'absent' ? ' without Argo CD' : ''}`);
  const r = await up({ log: () => undefined, argocd: opts.argocd ?? 'bootstrap' });
  log(`cluster: up in ${r.upSeconds}s`);
  // The methods install through --mirror to the cluster's git server: lay the fixtures' mirror out there.
  await serveUpstreamMirror(statePaths(r.info.stateDir));
  return { info: r.info, seconds: r.upSeconds };
}

/** The API server certificate the local cluster generated (serves the counting proxy's TLS). */
export function startProxy(info: ClusterInfo): Promise<ApiProxy> {
  const pki = statePaths(info.stateDir).pki;
  return startApiProxy({
    kubeconfig: info.kubeconfig,
    certFile: join(pki, 'apiserver.crt'),
    keyFile: join(pki, 'apiserver.key'),
  });
}

export async function stopCluster(log: (m: string) => void): Promise<void> {
  log('cluster: down');
  await down(() => undefined);
}

/** git environment with the fork token as a header scoped to the git server (never in argv or URLs). */
export function gitAuthEnv(info: ClusterInfo): Record<string, string> {
  return {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${info.gitUrl}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x:${info.gitToken}`).toString('base64')}`,
  };
}

export function createForkRepo(info: ClusterInfo, name: string): string {
  const dir = join(statePaths(info.stateDir).gitRoot, FORKS_OWNER, `${name}.git`);
  if (!existsSync(dir)) {
    mkdirSync(join(statePaths(info.stateDir).gitRoot, FORKS_OWNER), { recursive: true });
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir]);
  }
  return `${info.gitUrl}/${FORKS_OWNER}/${name}.git`;
}

export interface SavedFork {
  readonly name: string;
  readonly gitUrl: string;
  readonly url: string;
  readonly branch: string;
  readonly revision: string;
  readonly release: string;
  readonly components: string;
  readonly target: string;
}

const forkKey = (release: string, target: string, components: string) =>
  `${release}-${target}-${components.replace(/[^A-Za-z0-9]+/g, '_')}`;

/** Copies the fork out of the cluster's git server into bench/work/forks/. */
export function saveFork(info: ClusterInfo, fork: SavedFork): void {
  const dest = join(WORK_DIR, 'forks', forkKey(fork.release, fork.target, fork.components));
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  cpSync(join(statePaths(info.stateDir).gitRoot, FORKS_OWNER, `${fork.name}.git`), join(dest, 'repo.git'), {
    recursive: true,
  });
  writeFileSync(join(dest, 'fork.json'), `${JSON.stringify(fork, null, 2)}\n`);
}

/** Puts a saved fork back into a (fresh) cluster's git server under its original name, if one was saved. */
export function restoreFork(
  info: ClusterInfo,
  release: string,
  target: string,
  components: string,
): SavedFork | undefined {
  const src = join(WORK_DIR, 'forks', forkKey(release, target, components));
  if (!existsSync(join(src, 'fork.json'))) return undefined;
  const fork = JSON.parse(readFileSync(join(src, 'fork.json'), 'utf8')) as SavedFork;
  // The Applications in the fork name its URL: a git server on another port cannot serve them.
  if (fork.gitUrl !== info.gitUrl) return undefined;
  const dest = join(statePaths(info.stateDir).gitRoot, FORKS_OWNER, `${fork.name}.git`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(join(statePaths(info.stateDir).gitRoot, FORKS_OWNER), { recursive: true });
  cpSync(join(src, 'repo.git'), dest, { recursive: true });
  return fork;
}
