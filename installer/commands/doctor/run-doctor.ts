/** `doctor`: every preflight check for installing Kubeflow on this cluster, each with a fix. Reads only. */
import { resolveComponents } from '../../catalogue/resolve-components.js';
import { refuseUnreadableFork } from '../../inputs/argocd-reach.js';
import { resolveForkOptions } from '../../inputs/fork-options.js';
import type { Kube, KubeTarget } from '../../systems/kube.js';
import { preflightChecks, type PreflightResult } from '../../preflight/preflight.js';

export interface DoctorOptions {
  readonly release?: string | undefined;
  /** Components or bundles, as --components (comma-separated) or a config file (a list) gives them. */
  readonly components?: string | string[] | undefined;
  readonly target?: string | undefined;
  readonly footprint?: string | undefined;
  /** The fork to install from, when given: a local path must be one Argo CD on the target can read. */
  readonly fork?: string | undefined;
  readonly argocdRepoUrl?: string | undefined;
}

/** The options are checked before `connect` reads the kubeconfig: a wrong flag is named first. */
export async function runDoctor(
  o: DoctorOptions,
  connect: () => Kube,
): Promise<{ target: KubeTarget; result: PreflightResult }> {
  // Validated as install validates them; without a fork, any location will do for the rest.
  const opts = resolveForkOptions({ ...o, fork: o.fork ?? '/dev/null' });
  if (o.fork !== undefined) refuseUnreadableFork(opts);
  const names = resolveComponents(opts.components, opts.release).map((c) => c.spec.name);
  const kube = connect();
  const result = await preflightChecks(kube, {
    release: opts.release,
    target: opts.target,
    footprint: opts.footprint,
    components: names,
  });
  return { target: kube.target, result };
}
