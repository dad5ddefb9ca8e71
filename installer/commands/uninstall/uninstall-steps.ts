/** What the uninstall steps share: their options, the collections they wait on, and how an interrupt ends them. */
import { ExitCode, UserError } from '../../core/errors.js';
import type { GoneResult } from '../../watch/wait-until-gone.js';

export interface UninstallOptions {
  readonly keepArgocd: boolean;
  /** Keep the CRDs (and so every custom resource, e.g. users' notebooks and pipeline runs). */
  readonly keepCrds: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** Per wave of Applications, and again for the leftovers. */
  readonly waveTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export const NAMESPACES = { apiVersion: 'v1', resource: 'namespaces' } as const;
export const CRDS = { apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions' } as const;
export const VOLUMES = { apiVersion: 'v1', resource: 'persistentvolumes' } as const;

/** A wait ended by Ctrl-C ends the run: re-running continues where it stopped. */
export function stopIfInterrupted(r: GoneResult): void {
  if (r.reason === 'aborted')
    throw new UserError('interrupted: run `kubeflow-gitops uninstall` again to continue', ExitCode.interrupted);
}
