/**
 * After the Applications: what our Applications tracked or kubeflow-gitops labelled that Argo CD left
 * behind, then what they listed as theirs (remove-managed.ts), then what was there before the install
 * handed back. Waits until the namespaces and CRDs it deleted are gone; returns what holds them.
 */
import { ANNOTATION_KEPT, ARGOCD_NAMESPACE } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { releasePreexisting } from '../../steps/keep-preexisting.js';
import { selectLeftovers, type UninstallPlan } from '../../plan/build-uninstall-plan.js';
import { INSTALL_RECORD } from '../../plan/parse-install-record.js';
import { collectionPath, orAbsent, type Kube, type KubeObject, type ResourceType } from '../../systems/kube.js';
import { waitUntilGone } from '../../watch/wait-until-gone.js';
import { describeStuck } from './describe-stuck.js';
import { removeManaged } from './remove-managed.js';
import { CRDS, NAMESPACES, stopIfInterrupted, type UninstallOptions } from './uninstall-steps.js';

interface Found {
  readonly type: ResourceType;
  readonly obj: KubeObject;
}

export async function sweepLeftovers(
  kube: Kube,
  plan: UninstallPlan,
  opts: UninstallOptions,
  deps: Deps,
  deleted: string[],
): Promise<string[]> {
  const { leftovers, kept } = await findLeftovers(kube, plan);
  const namespaces = leftovers.filter((f) => f.obj.kind === 'Namespace').map((f) => f.obj.metadata?.name ?? '');
  await deleteLeftovers(kube, leftovers, namespaces, deps, deleted);
  const crds = await removeManaged(kube, plan, namespaces, opts, deps, deleted);
  // Handed back only now: until removeManaged ran, their Delete=false was what kept them.
  for (const k of kept) await releasePreexisting(kube, k.type, k.obj, new Set(plan.appNames), deps.log);
  return waitForNamespacesAndCrds(kube, namespaces, crds, opts);
}

/** One list per deletable kind: the leftovers to delete, and the objects marked as there before the install. */
async function findLeftovers(kube: Kube, plan: UninstallPlan): Promise<{ leftovers: Found[]; kept: Found[] }> {
  const types = (await kube.resourceTypes()).filter((t) => t.verbs.includes('delete') && !SKIP_KINDS.has(t.kind));
  const leftovers: Found[] = [];
  const kept: Found[] = [];
  // The record goes last, so an interrupted uninstall still knows what it may delete.
  const keep = [`${ARGOCD_NAMESPACE}/${INSTALL_RECORD}`];
  for (const type of types) {
    // A 404: the kind went with its CRD since discovery (uninstall deletes CRDs), so none are left.
    const items = await kube.list(type).catch(orAbsent([]));
    for (const obj of items) if (obj.metadata?.annotations?.[ANNOTATION_KEPT] !== undefined) kept.push({ type, obj });
    const selected = selectLeftovers(
      items.map((i) => ({ ...i, kind: type.kind })),
      plan,
    );
    for (const obj of selected) {
      if (keep.includes(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`)) continue;
      if (obj.kind === 'Namespace' && obj.metadata?.name === ARGOCD_NAMESPACE) continue;
      leftovers.push({ type, obj });
    }
  }
  return { leftovers, kept };
}

/** Deleting a namespace takes its contents anyway: objects in a namespace that goes are skipped. */
async function deleteLeftovers(
  kube: Kube,
  leftovers: readonly Found[],
  namespaces: readonly string[],
  deps: Deps,
  deleted: string[],
): Promise<void> {
  for (const { type, obj } of leftovers) {
    const namespace = obj.metadata?.namespace;
    if (namespace !== undefined && namespaces.includes(namespace)) continue;
    const name = obj.metadata?.name ?? '';
    const r = await kube.delete({ apiVersion: type.apiVersion, kind: type.kind, namespace, name }, 'Background');
    if (r !== 'deleted') continue;
    const shown = `${type.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    deleted.push(shown);
    deps.log.info(`deleted leftover ${shown}`);
  }
}

async function waitForNamespacesAndCrds(
  kube: Kube,
  namespaces: readonly string[],
  crds: readonly string[],
  opts: UninstallOptions,
): Promise<string[]> {
  const until = { timeoutMs: opts.waveTimeoutMs, signal: opts.signal };
  const stuck: string[] = [];
  const ns = await waitUntilGone(kube, collectionPath(NAMESPACES), namespaces, until);
  stopIfInterrupted(ns);
  if (ns.remaining.length > 0) stuck.push(...(await describeStuck(kube, [], ns.remaining)));
  const defs = await waitUntilGone(kube, collectionPath(CRDS), crds, until);
  stopIfInterrupted(defs);
  stuck.push(
    ...defs.remaining.map(
      (n) => `CustomResourceDefinition ${n} is still being deleted (its custom resources are being removed)`,
    ),
  );
  return stuck;
}

/** Kinds that are never ours to delete one by one: they are derived, or cleaned up by their owner. */
const SKIP_KINDS = new Set([
  'Event',
  'Endpoints',
  'EndpointSlice',
  'Lease',
  'ControllerRevision',
  'ReplicaSet',
  'Pod',
  'ComponentStatus',
  'Node',
  'APIService',
  'TokenReview',
  'SelfSubjectAccessReview',
  'Binding',
]);
