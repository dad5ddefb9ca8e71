/**
 * Everything commands need from outside, passed in explicitly: tests build real instances pointed
 * at loopback servers and temporary directories instead of mocking modules.
 */
import { FORK_APPS_DIR, TOOL } from './core/constants.js';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChangeLog, type ChangeLog } from './core/changes.js';
import { createGit, type Git } from './systems/git.js';
import { createGitHub, type GitHost } from './systems/github.js';
import { openInBrowser } from './systems/browser.js';
import type { ClusterChoice } from './inputs/cluster-choice.js';
import { createKube, type Kube } from './systems/kube.js';
import { createPortForwarder, type PortForwarder } from './systems/port-forward.js';
import { createKustomize, type Kustomize } from './systems/kustomize.js';
import { localCluster, type LocalCluster } from './systems/local-cluster.js';
import { createRemoteFetcher, type RemoteFetcher } from './systems/remote-sources.js';
import { noPrompter, type Prompter } from './systems/prompter.js';
import { createSkopeo, type Skopeo } from './systems/skopeo.js';
import { createStderrLogger, type Logger } from './ui/logger.js';

export interface Deps {
  readonly git: Git;
  readonly fetcher: RemoteFetcher;
  readonly github: (apiUrl: string) => GitHost;
  readonly log: Logger;
  /** Asks questions only when a person is there to answer (never with --yes, in CI, or without a TTY). */
  readonly prompter: Prompter;
  readonly env: NodeJS.ProcessEnv;
  /** Where kubeflow-apps/ and overlays/ of this installer are. */
  readonly packageRoot: string;
  /** Local state: saved credentials (mode 0600) and caches. */
  readonly stateDir: string;
  readonly tmpDir?: string | undefined;
  readonly kustomize: Kustomize;
  /** Looks images up in (and copies them to) registries, with skopeo's own credentials. */
  readonly skopeo: () => Skopeo;
  /** Connects to the cluster the settings chose (only commands that need a cluster call it). */
  readonly kube: (cluster: ClusterChoice) => Kube;
  /** The embedded local cluster (only `demo` uses it). */
  readonly localCluster: LocalCluster;
  /** Forwards local ports to pods of that cluster (`open`). */
  readonly portForward: (cluster: ClusterChoice) => PortForwarder;
  /** Starts the person's browser on a URL; `onError` hears when there was none to start. */
  readonly openBrowser: (url: string, onError: (message: string) => void) => void;
  /** Secrets a person typed into the wizard: used in memory only, never logged, saved or put in argv. */
  readonly typed?: TypedSecrets | undefined;
  /**
   * Aborted when the run is interrupted (Ctrl-C, SIGTERM): the git, kubectl and downloads it runs are
   * stopped, so the run unwinds through its cleanups (temporary clones, a fresh upgrade's working copy).
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * What this run changed so far: the cluster writes, pushes and repositories the systems above
   * made, each recorded by the system that made it (see changes.ts and ui/report-error.ts).
   */
  readonly changes: ChangeLog;
}

export interface TypedSecrets {
  readonly gitToken?: string | undefined;
  readonly adminPassword?: string | undefined;
  readonly idpSecret?: string | undefined;
}

/** The installer package's root (where kubeflow-apps/ and overlays/ are), from source or from dist/. */
export function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, FORK_APPS_DIR)) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('kubeflow-gitops: cannot find its kubeflow-apps/ folder; reinstall the package');
    dir = up;
  }
  return dir;
}

/** This installer's version, from its package.json. */
export function toolVersion(packageRoot: string = findPackageRoot()): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export function createDeps(
  env: NodeJS.ProcessEnv = process.env,
  log: Logger = createStderrLogger(),
  prompter: Prompter = noPrompter,
  signal?: AbortSignal,
  changes: ChangeLog = createChangeLog(),
): Deps {
  return {
    prompter,
    git: createGit({ signal, changes }),
    fetcher: createRemoteFetcher({ signal }),
    github: (apiUrl) => createGitHub({ apiUrl, changes }),
    kustomize: createKustomize({ signal }),
    skopeo: () => createSkopeo({ signal, env }),
    signal,
    changes,
    kube: (opts) => createKube({ ...opts, changes }),
    localCluster,
    portForward: (opts) => createPortForwarder(opts),
    openBrowser: (url, onError) => {
      openInBrowser(url, onError);
    },
    log,
    env,
    packageRoot: findPackageRoot(),
    stateDir: env.KFG_STATE_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), TOOL),
  };
}
