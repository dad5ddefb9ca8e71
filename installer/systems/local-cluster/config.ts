/**
 * Versions, paths and ports of the local cluster. Everything heavy (binaries, state) lives outside the
 * repository; every port is on 127.0.0.1 and can be moved with an environment variable so two checkouts
 * (or a developer's own services) do not collide.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The Argo CD lines the local cluster can run, newest (the default) first: the three upstream still
 * patches. v3.3 is end of life and no longer built.
 */
export const ARGOCD_VERSIONS = ['v3.6.2', 'v3.5.1', 'v3.4.7'] as const;
export type ArgocdVersion = (typeof ARGOCD_VERSIONS)[number];

export const VERSIONS = {
  kubernetes: 'v1.35.4',
  etcd: 'v3.6.16',
  kwok: 'v0.8.0',
  // Argo CD v3.4 and v3.5 ship kustomize 5.8.1, v3.6.2 ships 5.8.3 (hack/tool-versions.sh at each tag).
  // 5.8.3 needs Go 1.27; every line runs 5.8.1 here, a patch release behind what v3.6.2 ships.
  kustomize: 'v5.8.1',
} as const;

/** Commit date of the k8s tag on the module proxy; stamped as buildDate so /version is reproducible. */
export const KUBERNETES_BUILD_DATE = '2026-04-15T18:01:22Z';

/** KFG_ARGOCD_VERSION picks the Argo CD that `up` builds and runs (default: the newest line). */
export function argocdVersion(env: NodeJS.ProcessEnv = process.env): ArgocdVersion {
  const wanted = env.KFG_ARGOCD_VERSION;
  if (wanted === undefined || wanted === '') return ARGOCD_VERSIONS[0];
  const found = ARGOCD_VERSIONS.find((v) => v === wanted || v === `v${wanted}`);
  if (!found) throw new Error(`KFG_ARGOCD_VERSION=${wanted} is not one of ${ARGOCD_VERSIONS.join(', ')}`);
  return found;
}

/** The Go wrapper modules, beside this file in the source and in the package (the build copies them). */
export const goModulesDir = join(import.meta.dirname, 'go');

/** The folder with package.json above this module: the source checkout, or the installed package. */
function findPackageRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = up;
  }
  return dir;
}

export const packageRoot = findPackageRoot(import.meta.dirname);

/**
 * Where the gitops-engine source of Argo CD v3.4 and v3.5 is found (`src/argo-cd-<tag>-gitops-engine.tar.gz`):
 * the module proxy serves that nested module only from v3.6 on. Only the adopt tests build those lines,
 * and they name their offline copy of upstream data in KFG_FIXTURES; the default line needs nothing.
 */
export const upstreamDataDir = (): string | undefined => process.env.KFG_FIXTURES || undefined;

export function cacheDir(): string {
  return resolve(process.env.KFG_CACHE_DIR ?? join(homedir(), '.cache', 'kubeflow-gitops'));
}

export function binDir(): string {
  return join(cacheDir(), 'bin');
}

/** Each Argo CD version's binaries live side by side, so switching versions needs no rebuild. */
export function argocdBinDir(version: ArgocdVersion): string {
  return join(binDir(), `argocd-${version}`);
}

export function stateDir(): string {
  return resolve(process.env.KFG_CLUSTER_DIR ?? join(cacheDir(), 'cluster'));
}

export interface Ports {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  redis: number;
  repoServer: number;
  repoServerMetrics: number;
  controllerMetrics: number;
  git: number;
  /** Where kwok sends port-forwards to the gateway stand-in pod (a test's HTTP server listens there; no component does). */
  gatewayStandIn: number;
}

// Below Linux's ephemeral range (32768-60999 by default): a port in it can be the local end of any
// outgoing connection on the machine at the moment a component starts, and CI once failed with
// "listen tcp 0.0.0.0:38082: bind: address already in use" for that reason.
const DEFAULT_PORTS: Ports = {
  etcd: 22379,
  etcdPeer: 22380,
  apiserver: 26443,
  controllerManager: 20257,
  scheduler: 20259,
  kwok: 20247,
  redis: 26379,
  repoServer: 28081,
  repoServerMetrics: 28084,
  controllerMetrics: 28082,
  git: 29418,
  gatewayStandIn: 20280,
};

/** KFG_PORT_<NAME> (e.g. KFG_PORT_APISERVER) overrides one port. */
export function ports(): Ports {
  const out = { ...DEFAULT_PORTS };
  for (const key of Object.keys(out) as (keyof Ports)[]) {
    const env = process.env[`KFG_PORT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
    if (env) {
      const n = Number.parseInt(env, 10);
      if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`invalid port for ${key}: ${env}`);
      out[key] = n;
    }
  }
  return out;
}

/** Paths inside the state directory, one place so up/down/status/env agree. */
export function statePaths(root = stateDir()) {
  return {
    root,
    logs: join(root, 'logs'),
    pids: join(root, 'pids'),
    pki: join(root, 'pki'),
    etcdData: join(root, 'etcd'),
    argocd: join(root, 'argocd'),
    gitRoot: join(root, 'git'),
    /** Plain files the git server serves at the same paths (release assets of a mirror). */
    files: join(root, 'files'),
    volumes: join(root, 'volumes'),
    kubeconfig: join(root, 'kubeconfig'),
    tokenCsv: join(root, 'pki', 'token.csv'),
    gitToken: join(root, 'git-token'),
    info: join(root, 'cluster.json'),
    /** kwok's port-forward rules (ClusterPortForward), written by `up` with this state's ports. */
    kwokPortForward: join(root, 'kwok-port-forward.yaml'),
  };
}

export type StatePaths = ReturnType<typeof statePaths>;

/**
 * The pod whose port-forwards kwok hands to a local address instead of a container (there are none):
 * 127.0.0.1:<ports.gatewayStandIn>, where the cluster test of `open` serves a page as the Istio
 * gateway would. Only this name in this namespace matches, so a real gateway pod never does.
 */
export const GATEWAY_STAND_IN = {
  namespace: 'istio-system',
  pod: 'kfg-gateway-stand-in',
  containerPort: 8080,
} as const;

/** Repos under these prefixes (mirrors of public upstreams, laid out by tests) are readable without the token. */
export const PUBLIC_GIT_PREFIXES = ['kubeflow/', 'argoproj/', 'kubernetes-sigs/'];
/** Writable bare repos for forks; they need the token for both read and write. */
export const FORKS_OWNER = 'forks';
