/**
 * What the Applications listed as theirs and Argo CD left behind: CRDs (Argo CD never deletes them)
 * and objects a controller re-created. What existed before the install, or is annotated Delete=false,
 * stays.
 */
import { ANNOTATION_KEPT } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { keepsOnDelete, objectRefOf, type ManagedRef, type UninstallPlan } from '../../plan/build-uninstall-plan.js';
import type { Kube } from '../../systems/kube.js';
import type { UninstallOptions } from './uninstall-steps.js';

const describe = (m: ManagedRef) => `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;

/** What the Applications listed as theirs and Argo CD left (CRDs, re-created objects); returns the CRDs deleted. */
export async function removeManaged(
  kube: Kube,
  plan: UninstallPlan,
  namespacesGoing: readonly string[],
  opts: UninstallOptions,
  deps: Deps,
  deleted: string[],
): Promise<string[]> {
  const crds: string[] = [];
  const removeOne = async (m: ManagedRef) => {
    if ((await kube.delete(objectRefOf(m), 'Background')) !== 'deleted') return;
    if (!deleted.includes(describe(m))) deleted.push(describe(m));
    if (m.kind === 'CustomResourceDefinition') crds.push(m.name);
  };
  // Kubernetes' ClusterRole aggregation controller re-applies an aggregated ClusterRole when a role
  // feeding it changes, re-creating it if it went first: aggregated ones go after the others, and
  // again after a pause if it re-created any meanwhile.
  const aggregated: ManagedRef[] = [];
  for (const m of plan.managed) {
    if (m.namespace !== undefined && namespacesGoing.includes(m.namespace)) continue;
    // A kind whose CRD went already has no objects left either (get answers undefined for that 404).
    const live = await kube.get(objectRefOf(m));
    if (!live) continue;
    // Delete=false is how a user asks Argo CD to keep something; upstream's `helm.sh/resource-policy:
    // keep` on CRDs only guards against a Helm uninstall, and these CRDs came with this install.
    if (live.metadata?.annotations?.[ANNOTATION_KEPT] !== undefined) continue; // there before the install
    if (keepsOnDelete(live)) {
      deps.log.info(`kept ${m.kind} ${m.name}: annotated Delete=false`);
      continue;
    }
    if (m.kind === 'CustomResourceDefinition' && opts.keepCrds) continue;
    if (m.kind === 'ClusterRole' && live['aggregationRule'] !== undefined) {
      aggregated.push(m);
      continue;
    }
    await removeOne(m);
  }
  for (let pass = 0; pass < 2 && aggregated.length > 0; pass++) {
    if (pass > 0) await new Promise((r) => setTimeout(r, 2000));
    for (const m of aggregated) {
      const live = await kube.get(objectRefOf(m));
      if (live) await removeOne(m);
    }
  }
  if (opts.keepCrds) deps.log.info('kept the CustomResourceDefinitions the components installed (--keep-crds)');
  if (crds.length > 0)
    deps.log.info(
      `deleted ${crds.length} CustomResourceDefinition(s) the components installed (Argo CD never deletes CRDs)`,
    );
  return crds;
}
