/**
 * Which CustomResourceDefinitions the installer creates before the root Application, and how.
 *
 * Argo CD's cluster cache reloads discovery and the whole OpenAPI schema, under its global lock, for
 * every event of every CRD it watches: ~3 events per new CRD, so a Kubeflow install's 60-80 new CRDs
 * queue minutes of reloads in which no comparison runs (../docs/performance.md). CRDs created while
 * the cache does not exist yet, or followed by one invalidation, cost one rebuild instead. They are
 * applied exactly as Argo CD would apply them (the commit's render, Argo CD's field manager, no
 * tracking annotation: its repo-server never puts one on a CRD), so its own later sync of them is a
 * no-op. Only missing CRDs are created: one that exists belongs to someone, and Argo CD's sync
 * treats it as before.
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
}

const isCrd = (o: KubeObject): boolean =>
  o.kind === 'CustomResourceDefinition' && (o.apiVersion ?? '').startsWith('apiextensions.k8s.io/');

/** The CRDs of the rendered components that the cluster does not have, each once (the last render wins, as in Argo CD's dedup). */
export function crdsToCreate(rendered: readonly RenderedComponent[], existing: ReadonlySet<string>): CrdAhead[] {
  const byName = new Map<string, CrdAhead>();
  for (const r of rendered)
    for (const o of r.objects) {
      const name = o.metadata?.name;
      if (!isCrd(o) || name === undefined || existing.has(name)) continue;
      byName.set(name, { name, component: r.component, object: o });
    }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

interface CrdStatus extends KubeObject {
  status?: { conditions?: { type?: string; status?: string }[] };
}

/** The API server serves a CRD's kind once it says Established. */
export function isEstablished(crd: CrdStatus | undefined): boolean {
  return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
}
