/**
 * The local cluster (a real kube-apiserver, controllers, kwok and Argo CD as host processes) as an
 * outside system of the installer, for `demo`. Its code lives in the source checkout under
 * test/local-cluster/, beside the Go wrapper modules it builds from, and is loaded from there at run
 * time: the published package (dist/, kubeflow-apps/, overlays/) does not carry it, and the build
 * (tsconfig.build.json) never compiles it. Without a checkout, or under plain node instead of tsx,
 * `load` says how to get one. See docs/local-cluster.md "Used by demo".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExitCode, ExternalError, UserError } from '../errors.js';

/** A missing tool or piece of data, and what to do about it. */
export interface Prerequisite {
  readonly name: string;
  readonly install: string;
}

export interface LocalClusterUp {
  readonly kubeconfig: string;
  readonly stateDir: string;
  readonly logsDir: string;
  /** Binaries built by this run, with the seconds each took; the others were cached. */
  readonly built: readonly { readonly name: string; readonly seconds: number }[];
  readonly cached: readonly string[];
  /** Processes started by this run; empty when everything was running already. */
  readonly started: readonly string[];
  readonly upSeconds: number;
}

export interface LocalCluster {
  /** What is missing to build and run it; checks only, changes nothing. */
  missing(env: NodeJS.ProcessEnv): Prerequisite[];
  /** Builds what is missing, starts what is not running, waits for readiness (idempotent). */
  up(log: (message: string) => void): Promise<LocalClusterUp>;
}

/** The parts of test/local-cluster/{prerequisites,lifecycle}.ts used here (a test checks they match). */
export interface PrerequisitesModule {
  missingPrerequisites(env: NodeJS.ProcessEnv): Prerequisite[];
}
export interface LifecycleModule {
  up(opts: { log?: (msg: string) => void }): Promise<{
    info: { kubeconfig: string; stateDir: string; logsDir: string };
    build: { built: { name: string; seconds: number }[]; cached: string[] };
    started: string[];
    upSeconds: number;
  }>;
}

/** The error names of test/local-cluster/errors.ts: failures of the local cluster, not of this program. */
const LOCAL_CLUSTER_ERRORS = new Set(['LocalClusterError', 'ToolMissingError', 'ComponentFailedError']);

export const LOCAL_CLUSTER_DIR = join('test', 'local-cluster');

const NOT_A_CHECKOUT =
  'demo runs the embedded local cluster, which is built from a source checkout of kubeflow-gitops: ' +
  'git clone the project, then run `npm ci && npm run demo` in it';

/** Loads the local cluster's code from the checkout at `packageRoot`, or says why it cannot. */
export async function loadLocalCluster(packageRoot: string): Promise<LocalCluster> {
  const dir = join(packageRoot, LOCAL_CLUSTER_DIR);
  const file = (name: string) => join(dir, `${name}.ts`);
  if (!existsSync(file('lifecycle')) || !existsSync(file('prerequisites')))
    throw new UserError(`${NOT_A_CHECKOUT} (no ${dir} here)`, ExitCode.preflight);
  const load = async <T>(name: string): Promise<T> => {
    try {
      return (await import(pathToFileURL(file(name)).href)) as T;
    } catch (err) {
      // Plain node cannot load .ts (Node 20), or strips the types but not the .js specifiers (Node 22+).
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'ERR_MODULE_NOT_FOUND')
        throw new UserError(
          `demo loads the local cluster's TypeScript from ${dir}: run it through tsx, as \`npm run demo\` does`,
          ExitCode.preflight,
          { cause: err },
        );
      throw err;
    }
  };
  const prerequisites = await load<PrerequisitesModule>('prerequisites');
  const lifecycle = await load<LifecycleModule>('lifecycle');
  return {
    missing: (env) => prerequisites.missingPrerequisites(env),
    async up(log) {
      const r = await lifecycle.up({ log }).catch((err: unknown) => {
        // A build or a process that failed (the message ends with its log's last lines), a port taken.
        if (err instanceof Error && LOCAL_CLUSTER_ERRORS.has(err.name))
          throw new ExternalError(`local cluster: ${err.message}`, ExitCode.failure, { cause: err });
        throw err;
      });
      return {
        kubeconfig: r.info.kubeconfig,
        stateDir: r.info.stateDir,
        logsDir: r.info.logsDir,
        built: r.build.built,
        cached: r.build.cached,
        started: r.started,
        upSeconds: r.upSeconds,
      };
    },
  };
}
