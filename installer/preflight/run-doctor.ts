/** `doctor`: every preflight check for installing Kubeflow on this cluster, each with a fix. Reads only. */
import { resolveComponents } from '../catalogue/resolve-components.js';
import { resolveForkOptions } from '../inputs/fork-options.js';
import type { Kube } from '../systems/kube.js';
import { runPreflight, type PreflightResult } from './run-preflight.js';

export interface DoctorOptions {
  readonly release?: string | undefined;
  /** Comma-separated components or bundles, as --components takes them. */
  readonly components?: string | undefined;
  readonly target?: string | undefined;
  readonly footprint?: string | undefined;
}

export async function runDoctor(o: DoctorOptions, kube: Kube): Promise<PreflightResult> {
  // Validated as install validates them; doctor has no fork, so any location will do.
  const opts = resolveForkOptions({ ...o, fork: '/dev/null' });
  const names = resolveComponents(opts.components, opts.release).map((c) => c.spec.name);
  return runPreflight(kube, {
    release: opts.release,
    target: opts.target,
    footprint: opts.footprint,
    components: names,
  });
}
