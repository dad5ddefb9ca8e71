/**
 * Which CustomResourceDefinitions the installer creates before the root Application, and how.
 *
 * Argo CD's cluster cache reloads discovery and the whole OpenAPI schema, under its global lock, for
 * every event of every CRD it watches: ~3 events per new CRD, so a Kubeflow install's 60-80 new CRDs
 * queue minutes of reloads in which no comparison runs (../docs/performance.md). CRDs created while
 * the cache does not exist yet, or followed by one invalidation, cost one rebuild instead. They are
 * applied exactly as Argo CD would apply them (the commit's render, Argo CD's field manager, no
 * tracking annotation: its repo-server never puts one on a CRD), so its own later sync of them is a
 * no-op. A CRD that exists is applied ahead only when Argo CD already applies it (an upgrade
 * changing it); any other belongs to someone, and Argo CD's sync treats it as before.
 */
import type { KubeObject } from '../systems/kube.js';

export interface RenderedComponent {
  readonly component: string;
  readonly objects: readonly KubeObject[];
}

export interface CrdAhead {
  readonly name: string;
  readonly component: string;
  readonly object: KubeObject;
  /** create: the cluster lacks it; update: Argo CD already applies it and the commit changes it (an upgrade). */
  readonly action: 'create' | 'update';
}

export const isCrd = (o: KubeObject): boolean =>
  o.kind === 'CustomResourceDefinition' && (o.apiVersion ?? '').startsWith('apiextensions.k8s.io/');

interface LiveCrd extends KubeObject {
  spec?: unknown;
  metadata?: KubeObject['metadata'] & { managedFields?: { manager?: string; operation?: string }[] };
}

/**
 * The CRDs of the rendered components to apply ahead, each once (the last render wins, as in Argo CD's
 * dedup): those the cluster lacks, and those Argo CD already server-side applies whose spec, labels
 * or annotations the commit changes. Any other existing CRD belongs to someone else and is left to
 * Argo CD's sync, as before.
 */
export function crdsToApply(
  rendered: readonly RenderedComponent[],
  live: ReadonlyMap<string, LiveCrd>,
  argoManager: string,
): CrdAhead[] {
  const byName = new Map<string, CrdAhead>();
  for (const r of rendered)
    for (const o of r.objects) {
      const name = o.metadata?.name;
      if (!isCrd(o) || name === undefined) continue;
      const current = live.get(name);
      if (current === undefined) byName.set(name, { name, component: r.component, object: o, action: 'create' });
      else if (appliedBy(current, argoManager) && differs(o, current))
        byName.set(name, { name, component: r.component, object: o, action: 'update' });
    }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const appliedBy = (crd: LiveCrd, manager: string): boolean =>
  crd.metadata?.managedFields?.some((f) => f.manager === manager && f.operation === 'Apply') === true;

/** Whether applying `want` would change `live`; a false "changed" costs one no-op apply, a false "same" an event. */
function differs(want: LiveCrd, live: LiveCrd): boolean {
  const sub = (w: Record<string, string> | undefined, l: Record<string, string> | undefined) =>
    Object.entries(w ?? {}).some(([k, v]) => l?.[k] !== v);
  return (
    sub(want.metadata?.labels, live.metadata?.labels) ||
    sub(want.metadata?.annotations, live.metadata?.annotations) ||
    !contains(want.spec, live.spec)
  );
}

/** Every field of `want` is in `have` with the same value (the API server adds defaults, never removes). */
function contains(want: unknown, have: unknown): boolean {
  if (want === null || typeof want !== 'object') return want === have;
  if (Array.isArray(want))
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => contains(w, have[i]));
  if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
  const h = have as Record<string, unknown>;
  return Object.entries(want as Record<string, unknown>).every(([k, v]) => contains(v, h[k]));
}
