/**
 * `doctor`: every preflight check for installing Kubeflow on this cluster, each with a fix. Reads only.
 * With a registry (--registry, config key registry, KFG_REGISTRY), also whether every image of the
 * selection is in it (check-selection-images.ts).
 */
import { resolveComponents } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import { refuseUnreadableFork } from '../../inputs/argocd-reach.js';
import { resolveForkOptions } from '../../inputs/fork-options.js';
import type { Kube, KubeTarget } from '../../systems/kube.js';
import { preflightChecks, type PreflightResult } from '../../preflight/preflight.js';
import { checkRegistryForSelection } from './check-selection-images.js';

export interface DoctorOptions {
  readonly release?: string | undefined;
  /** Components or bundles, as --components (comma-separated) or a config file (a list) gives them. */
  readonly components?: string | string[] | undefined;
  readonly target?: string | undefined;
  readonly footprint?: string | undefined;
  /** The fork to install from, when given: a local path must be one Argo CD on the target can read. */
  readonly fork?: string | undefined;
  readonly argocdRepoUrl?: string | undefined;
  /** Where install will pull every image from: each image of the selection is looked up there. */
  readonly registry?: string | undefined;
  /** Where the release is read from, for the registry check (as fork and images read it). */
  readonly upstream?: string | undefined;
  readonly mirror?: string[] | undefined;
  readonly branch?: string | undefined;
  readonly tokenEnv?: string | undefined;
}

/** The options are checked before `connect` reads the kubeconfig: a wrong flag is named first. */
export async function runDoctor(
  o: DoctorOptions,
  connect: () => Kube,
  deps: Deps,
): Promise<{ target: KubeTarget; result: PreflightResult }> {
  // Validated as install validates them; without a fork, any location will do for the rest.
  const opts = resolveForkOptions({ ...o, fork: o.fork ?? '/dev/null' }, deps.env);
  if (o.fork !== undefined) refuseUnreadableFork(opts);
  const components = resolveComponents(opts.components, opts.release);
  const kube = connect();
  const cluster = await preflightChecks(kube, {
    release: opts.release,
    target: opts.target,
    footprint: opts.footprint,
    components: components.map((c) => c.spec.name),
  });
  if (opts.registry === undefined) return { target: kube.target, result: cluster };
  const images = await checkRegistryForSelection(
    { ...opts, registry: opts.registry },
    o.fork !== undefined,
    components,
    deps,
    // Argo CD's own images count where install would put Argo CD in: not where the cluster has one.
    cluster.argocd?.present !== true,
  );
  const checks = [...cluster.checks, images];
  return { target: kube.target, result: { ...cluster, checks, ok: checks.every((c) => c.status !== 'fail') } };
}
