/**
 * The subprocess system for rendering: `kubectl kustomize`, present wherever kubectl is. Output is
 * parsed into objects; errors keep kustomize's own message and name the directory.
 */
import { execa, ExecaError } from 'execa';
import { parseAllDocuments } from 'yaml';
import { ExternalError, UserError } from '../core/errors.js';
import type { KubeObject } from './kube.js';

export interface Kustomize {
  build(dir: string): Promise<KubeObject[]>;
}

/** `signal`: aborted when the run is interrupted, killing a running kubectl. */
export function createKustomize(options: { readonly signal?: AbortSignal | undefined } = {}): Kustomize {
  return {
    async build(dir) {
      let stdout: string;
      try {
        ({ stdout } = await execa('kubectl', ['kustomize', dir], {
          maxBuffer: 512 * 1024 * 1024,
          timeout: 300_000,
          ...(options.signal ? { cancelSignal: options.signal } : {}),
        }));
      } catch (err) {
        if (err instanceof ExecaError && err.code === 'ENOENT')
          throw new UserError('kubectl is not on PATH; install it (kustomize is built in)');
        const msg =
          err instanceof ExecaError
            ? (typeof err.stderr === 'string' && err.stderr !== '' ? err.stderr : err.shortMessage)
                .split('\n')
                .filter((l: string) => !l.startsWith('# Warning'))
                .join(' ')
                .slice(-600)
            : String(err);
        throw new ExternalError(`kustomize could not render ${dir}: ${msg}`, undefined, { cause: err });
      }
      return parseAllDocuments(stdout)
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null);
    },
  };
}
