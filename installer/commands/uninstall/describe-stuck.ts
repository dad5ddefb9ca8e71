/**
 * Why a deletion does not finish, in words a person can act on: the Application's own error
 * conditions and the resources it still lists, or a Terminating namespace's conditions and finalizers.
 */
import { applicationRef } from '../../systems/argocd.js';
import type { Kube, KubeObject } from '../../systems/kube.js';

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
    const a = await kube.get<StuckApp>(applicationRef(name));
    if (!a) continue;
    out.push(stuckApplicationSentence(name, a));
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
    out.push(terminatingSentence(name, ns));
  }
  return out;
}

function stuckApplicationSentence(name: string, a: StuckApp): string {
  const why = [
    ...(a.status?.conditions ?? []).map((c) => `${c.type ?? ''}: ${c.message ?? ''}`),
    ...(a.status?.operationState?.message ? [a.status.operationState.message] : []),
  ];
  const resources = a.status?.resources ?? [];
  const left = resources
    .slice(0, 8)
    .map((r) => `${r.kind ?? ''} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}`);
  const because = why.length > 0 ? `: ${why.join('; ')}` : '';
  const more = resources.length > 8 ? ', …' : '';
  const holding = left.length > 0 ? ` (still has ${left.join(', ')}${more})` : '';
  return `Application ${name} is still being deleted${because}${holding}`;
}

function terminatingSentence(name: string, ns: StuckNamespace): string {
  const why = (ns.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.message ?? c.type ?? '');
  const finalizers = ns.spec?.finalizers ?? [];
  const because = why.length > 0 ? `: ${why.join('; ')}` : '';
  const holding = finalizers.length > 0 ? ` (finalizers: ${finalizers.join(', ')})` : '';
  return `namespace ${name} is Terminating${because}${holding}`;
}
