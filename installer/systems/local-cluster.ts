/**
 * The local cluster (a real kube-apiserver, controllers, kwok and Argo CD as host processes) as an
 * outside system of the installer, for `demo`. Its code is in ./local-cluster/, shipped in the package
 * with the Go wrapper modules it builds from; this is the narrow face `demo` sees: what is missing,
 * and `up`. See docs/local-cluster.md "Used by demo".
 */
import { ExitCode, ExternalError } from '../core/errors.js';
import { LocalClusterError } from './local-cluster/errors.js';
import { up } from './local-cluster/lifecycle.js';
import { missingPrerequisites, type Prerequisite } from './local-cluster/prerequisites.js';

export type { Prerequisite };

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

export const localCluster: LocalCluster = {
  missing: (env) => missingPrerequisites(env),
  async up(log) {
    const r = await up({ log }).catch((err: unknown) => {
      // A build or a process that failed (the message ends with its log's last lines), a port taken.
      if (err instanceof LocalClusterError)
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
