/**
 * Last: our keys out of an adopted Argo CD's config, or Argo CD itself out of the cluster when
 * kubeflow-gitops installed it (its CRDs, cluster roles and namespace). The install record goes here.
 */
import { ARGOCD_NAMESPACE, LABEL_PART_OF, PART_OF_ARGOCD } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import type { UninstallPlan } from '../../plan/build-uninstall-plan.js';
import { INSTALL_RECORD } from '../../plan/parse-install-record.js';
import { collectionPath, type Kube, type KubeObject } from '../../systems/kube.js';
import { waitUntilGone } from '../../watch/wait-until-gone.js';
import { describeStuck } from './describe-stuck.js';
import { CRDS, NAMESPACES, type UninstallOptions } from './uninstall-steps.js';

const RECORD = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: INSTALL_RECORD } as const;

export async function removeArgoCd(
  kube: Kube,
  plan: UninstallPlan,
  opts: UninstallOptions,
  deps: Deps,
  deleted: string[],
): Promise<string[]> {
  if (plan.revertArgocdConfig) await revertArgoCdConfig(kube, deps);
  if (!plan.removeArgocd) {
    await kube.delete(RECORD);
    deps.log.info(`kept Argo CD: ${plan.argocdKept ?? ''}`);
    return [];
  }
  deps.log.step('removing Argo CD (installed by kubeflow-gitops)');
  for (const ref of await argoCdClusterObjects(kube))
    if ((await kube.delete(ref, 'Background')) === 'deleted') deleted.push(`${ref.kind} ${ref.name}`);
  if (plan.namespacesBefore.includes(ARGOCD_NAMESPACE)) {
    await kube.delete(RECORD);
    return [];
  }
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ARGOCD_NAMESPACE }, 'Background');
  deleted.push(`Namespace ${ARGOCD_NAMESPACE}`);
  const r = await waitUntilGone(kube, collectionPath(NAMESPACES), [ARGOCD_NAMESPACE], {
    timeoutMs: opts.waveTimeoutMs,
    signal: opts.signal,
  });
  return r.remaining.length > 0 ? describeStuck(kube, [], r.remaining) : [];
}

/** Applying an object without the keys makes the API server drop the fields only our manager owned. */
async function revertArgoCdConfig(kube: Kube, deps: Deps): Promise<void> {
  for (const name of ['argocd-cm', 'argocd-cmd-params-cm'])
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ARGOCD_NAMESPACE } });
  deps.log.info("removed the kubeflow-gitops keys from Argo CD's config");
}

/** Argo CD's cluster-scoped objects: its CRDs, ClusterRoles and ClusterRoleBindings. */
async function argoCdClusterObjects(kube: Kube): Promise<{ apiVersion: string; kind: string; name: string }[]> {
  const crds = (await kube.list(CRDS)).filter(isArgoCdCrd).map((o) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: o.metadata?.name ?? '',
  }));
  return [
    ...crds,
    ...(await labelled(kube, 'rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles')),
    ...(await labelled(kube, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings')),
  ];
}

function isArgoCdCrd(c: KubeObject): boolean {
  const name = c.metadata?.name ?? '';
  if (c.metadata?.labels?.[LABEL_PART_OF] === PART_OF_ARGOCD) return true;
  return (
    name.endsWith('.argoproj.io') &&
    ['applications', 'applicationsets', 'appprojects'].includes(name.split('.')[0] ?? '')
  );
}

async function labelled(kube: Kube, apiVersion: string, kind: string, resource: string) {
  const items = await kube.list({ apiVersion, resource }, { labelSelector: `${LABEL_PART_OF}=${PART_OF_ARGOCD}` });
  return items.map((o) => ({ apiVersion, kind, name: o.metadata?.name ?? '' }));
}
