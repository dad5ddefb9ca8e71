/**
 * Why a deletion does not finish, in words a person can act on: the Application's own error
 * conditions and the resources it still lists, or a Terminating namespace's conditions and finalizers.
 */
import { ARGOCD_NAMESPACE } from '../constants.js';
import type { Kube, KubeObject } from '../systems/kube.js';

interface Condition {
  type?: string;
  status?: string;
  message?: string;
}
interface StuckApp extends KubeObject {
  status?: {
    conditions?: Condition[];
    resources?: { kind?: string; namespace?: string; name?: string }[];
    operationState?: { message?: string };
  };
}
interface StuckNamespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Condition[] };
}

export async function describeStuck(
  kube: Kube,
  apps: readonly string[],
  namespaces: readonly string[] = [],
): Promise<string[]> {
  const out: string[] = [];
  for (const name of apps) {
    const a = await kube.get<StuckApp>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      namespace: ARGOCD_NAMESPACE,
      name,
    });
    if (!a) continue;
    const why = [
      ...(a.status?.conditions ?? []).map((c) => `${c.type ?? ''}: ${c.message ?? ''}`),
      ...(a.status?.operationState?.message ? [a.status.operationState.message] : []),
    ];
    const left = (a.status?.resources ?? [])
      .slice(0, 8)
      .map((r) => `${r.kind ?? ''} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}`);
    out.push(
      `Application ${name} is still being deleted${why.length > 0 ? `: ${why.join('; ')}` : ''}${left.length > 0 ? ` (still has ${left.join(', ')}${(a.status?.resources?.length ?? 0) > 8 ? ', …' : ''})` : ''}`,
    );
    for (const ns of new Set(
      (a.status?.resources ?? []).filter((r) => r.kind === 'Namespace').map((r) => r.name ?? ''),
    ))
      out.push(...(await describeNamespaces(kube, [ns])));
  }
  out.push(...(await describeNamespaces(kube, namespaces)));
  return out;
}

async function describeNamespaces(kube: Kube, names: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    const ns = await kube.get<StuckNamespace>({ apiVersion: 'v1', kind: 'Namespace', name });
    if (ns?.status?.phase !== 'Terminating') continue;
    const why = (ns.status.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.message ?? c.type ?? '');
    const finalizers = ns.spec?.finalizers ?? [];
    out.push(
      `namespace ${name} is Terminating${why.length > 0 ? `: ${why.join('; ')}` : ''}${finalizers.length > 0 ? ` (finalizers: ${finalizers.join(', ')})` : ''}`,
    );
  }
  return out;
}
