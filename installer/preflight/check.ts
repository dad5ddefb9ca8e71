/** One preflight check's answer, what the checks are asked about, and a failed read as a check. */
import type { Release } from '../catalogue/releases.js';
import type { Footprint, Target } from '../catalogue/targets.js';
import { KubeApiError } from '../systems/kube.js';

export interface Check {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly fix?: string | undefined;
}

export interface PreflightInputs {
  readonly release: Release;
  readonly target: Target;
  readonly footprint: Footprint;
  readonly components: readonly string[];
}

/** A read the check needed failed: the check fails with the API server's reason. */
export function failFrom(name: string, err: unknown, fix: string): Check {
  const msg =
    err instanceof KubeApiError ? `${err.reason}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return { name, status: 'fail', message: msg, fix };
}
