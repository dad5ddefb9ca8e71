/**
 * `uninstall`: removes Kubeflow through Argo CD while Argo CD still runs, then what is left that this
 * install created, then (only if kubeflow-gitops installed it) Argo CD. Every step is an ensure-step
 * on what the cluster shows now, so a run that was interrupted is finished by running it again.
 */
import { ANNOTATION_KEPT, ARGOCD_NAMESPACE, LABEL_PART_OF } from '../constants.js';
import type { Deps } from '../deps.js';
import { ExitCode, UserError } from '../errors.js';
import { readInstallRecord } from '../execute/install-record.js';
import { INSTALL_RECORD } from '../plan/install-record.js';
import { markPreexisting, releasePreexisting } from '../execute/keep-preexisting.js';
import { finishRetirements, releaseHolds } from '../execute/retire-applications.js';
import {
  buildUninstallPlan,
  keepsOnDelete,
  objectRefOf,
  renderUninstallPlan,
  selectLeftovers,
  type ManagedRef,
  type UninstallPlan,
} from '../plan/build-uninstall-plan.js';
import { isInstallApplication } from '../plan/install-applications.js';
import {
  APPLICATIONS_PATH,
  applicationRef,
  argoCdServed,
  detachApplication,
  listApplications,
  stopAutoSync,
} from '../systems/argocd.js';
import { collectionPath, type Kube, type KubeObject, type ResourceType } from '../systems/kube.js';
import { waitUntilGone } from '../watch/wait-until-gone.js';
import { describeStuck } from './describe-stuck.js';

export interface UninstallOptions {
  readonly keepArgocd: boolean;
  /** Keep the CRDs (and so every custom resource, e.g. users' notebooks and pipeline runs). */
  readonly keepCrds: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** Per wave of Applications, and again for the leftovers. */
  readonly waveTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface UninstallResult {
  readonly exitCode: number;
  readonly plan: UninstallPlan;
  readonly deleted: readonly string[];
  readonly stuck: readonly string[];
}

const NAMESPACES = { apiVersion: 'v1', resource: 'namespaces' } as const;
const CRDS = { apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions' } as const;
const VOLUMES = { apiVersion: 'v1', resource: 'persistentvolumes' } as const;

export async function runUninstall(opts: UninstallOptions, deps: Deps, kube: Kube): Promise<UninstallResult> {
  deps.log.step(`cluster: context "${kube.target.context}" at ${kube.target.server}`);
  const argo = await argoCdServed(kube);
  // One list of every Application, ours picked from it.
  const all = argo ? await listApplications(kube, { allNamespaces: true }) : [];
  const apps = all.filter(isInstallApplication);
  const foreignApps = all
    .filter((a) => !isInstallApplication(a))
    .map((a) => `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`);
  const record = argo ? await readInstallRecord(kube) : undefined;
  const plan = buildUninstallPlan({ apps, foreignApps, record, keepArgocd: opts.keepArgocd });
  process.stderr.write(renderUninstallPlan(plan, kube.target));
  if (opts.dryRun) return { exitCode: ExitCode.ok, plan, deleted: [], stuck: [] };
  if (!argo || (apps.length === 0 && !record)) {
    deps.log.info('nothing from kubeflow-gitops is installed in this cluster');
    return { exitCode: ExitCode.ok, plan, deleted: [], stuck: [] };
  }
  if (!opts.yes) {
    if (!deps.prompter.canPrompt)
      throw new UserError(
        `uninstall deletes Kubeflow from context "${kube.target.context}": pass --yes to confirm (or --dry-run to only see the plan)`,
        ExitCode.usage,
      );
    if (!(await deps.prompter.confirm(`Delete Kubeflow from context "${kube.target.context}"?`, false)))
      return { exitCode: ExitCode.interrupted, plan, deleted: [], stuck: [] };
  }

  // Applications an upgrade retired and the root already pruned: what they left is settled as the
  // upgrade would have (adopted objects stay with their successor, the rest goes or is handed back).
  await finishRetirements(kube, new Set(), record, deps.log, { timeoutMs: 0 });
  // What an unfinished hand-over still holds goes with whichever Application tracks it.
  await releaseHolds(kube);
  const deleted: string[] = [];
  if (plan.root !== undefined) {
    // Without its finalizer the root goes alone: Argo CD does not cascade, and nothing re-creates children.
    deps.log.step(`detaching the root Application "${plan.root}"`);
    await detachApplication(kube, plan.root);
    await kube.delete(applicationRef(plan.root));
    deleted.push(`Application ${plan.root}`);
  }
  for (const a of apps) if (a.metadata?.name !== plan.root) await stopAutoSync(kube, a);

  // Before the first cascade: Argo CD adopted what a component shares with what was already there.
  await markPreexisting(
    kube,
    apps.filter((a) => a.metadata?.name !== plan.root),
    record,
    deps.log,
  );

  const stuck: string[] = [];
  for (const w of plan.waves) {
    deps.log.step(`wave ${w.wave}: deleting ${w.apps.join(', ')}`);
    for (const name of w.apps) await kube.delete(applicationRef(name));
    const r = await waitUntilGone(kube, APPLICATIONS_PATH, w.apps, {
      timeoutMs: opts.waveTimeoutMs,
      signal: opts.signal,
      onGone: (n) => {
        deps.log.info(`✔ ${n} and its resources are gone`);
        deleted.push(`Application ${n}`);
      },
    });
    if (r.reason === 'aborted')
      throw new UserError('interrupted: run `kubeflow-gitops uninstall` again to continue', ExitCode.interrupted);
    if (r.remaining.length > 0) {
      stuck.push(...(await describeStuck(kube, r.remaining)));
      break;
    }
  }
  if (stuck.length === 0) stuck.push(...(await removeLeftovers(kube, plan, opts, deps, deleted)));
  if (stuck.length === 0) stuck.push(...(await finishArgoCd(kube, plan, opts, deps, deleted)));

  if (stuck.length > 0) {
    deps.log.warn(
      `uninstall is not complete; these are holding it:\n${stuck.map((s) => `  - ${s}`).join('\n')}\nfix them (or wait) and run \`kubeflow-gitops uninstall\` again`,
    );
    return { exitCode: ExitCode.timeout, plan, deleted, stuck };
  }
  deps.log.step(
    `uninstalled: ${deleted.length} object(s) and Application(s) removed${plan.removeArgocd ? ', Argo CD included' : ''}`,
  );
  return { exitCode: ExitCode.ok, plan, deleted, stuck };
}

/** Objects our Applications tracked or kubeflow-gitops labelled that Argo CD left behind. */
async function removeLeftovers(
  kube: Kube,
  plan: UninstallPlan,
  opts: UninstallOptions,
  deps: Deps,
  deleted: string[],
): Promise<string[]> {
  const types = (await kube.resourceTypes()).filter((t) => t.verbs.includes('delete') && !SKIP_KINDS.has(t.kind));
  const found: { type: ResourceType; obj: KubeObject }[] = [];
  const kept: { type: ResourceType; obj: KubeObject }[] = [];
  for (const t of types) {
    const items = await kube.list(t).catch(() => []);
    for (const obj of items)
      if (obj.metadata?.annotations?.[ANNOTATION_KEPT] !== undefined) kept.push({ type: t, obj });
    // The record goes last, so an interrupted uninstall still knows what it may delete.
    const keep = [`${ARGOCD_NAMESPACE}/${INSTALL_RECORD}`];
    for (const obj of selectLeftovers(
      items.map((i) => ({ ...i, kind: t.kind })),
      plan,
    )) {
      if (keep.includes(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`)) continue;
      if (obj.kind === 'Namespace' && obj.metadata?.name === ARGOCD_NAMESPACE) continue;
      found.push({ type: t, obj });
    }
  }
  // Namespaced objects first: deleting a namespace takes its contents anyway.
  const namespaces = found.filter((f) => f.obj.kind === 'Namespace').map((f) => f.obj.metadata?.name ?? '');
  for (const { type, obj } of found) {
    if (obj.metadata?.namespace !== undefined && namespaces.includes(obj.metadata.namespace)) continue;
    const name = obj.metadata?.name ?? '';
    const r = await kube.delete(
      { apiVersion: type.apiVersion, kind: type.kind, namespace: obj.metadata?.namespace, name },
      'Background',
    );
    if (r === 'deleted') {
      deleted.push(`${type.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${name}`);
      deps.log.info(
        `deleted leftover ${type.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${name}`,
      );
    }
  }
  const crds = await removeManaged(kube, plan, namespaces, opts, deps, deleted);
  // Handed back only now: until removeManaged ran, their Delete=false was what kept them.
  for (const k of kept) await releasePreexisting(kube, k.type, k.obj, new Set(plan.appNames), deps.log);
  const stuck: string[] = [];
  for (const [path, names] of [
    [collectionPath(NAMESPACES), namespaces],
    [collectionPath(CRDS), crds],
  ] as const) {
    const r = await waitUntilGone(kube, path, names, { timeoutMs: opts.waveTimeoutMs, signal: opts.signal });
    if (r.reason === 'aborted')
      throw new UserError('interrupted: run `kubeflow-gitops uninstall` again to continue', ExitCode.interrupted);
    if (r.remaining.length > 0)
      stuck.push(
        ...(path.endsWith('namespaces')
          ? await describeStuck(kube, [], r.remaining)
          : r.remaining.map(
              (n) => `CustomResourceDefinition ${n} is still being deleted (its custom resources are being removed)`,
            )),
      );
  }
  if (stuck.length === 0) stuck.push(...(await awaitVolumes(kube, plan, opts, deps)));
  return stuck;
}

interface Volume extends KubeObject {
  spec?: { claimRef?: { namespace?: string; name?: string }; persistentVolumeReclaimPolicy?: string };
}

/**
 * Volumes of claims in namespaces this install created: with reclaim policy Delete their provisioner
 * removes them once released, so wait for that; a Retain volume holds data and is left, and said so.
 */
async function awaitVolumes(kube: Kube, plan: UninstallPlan, opts: UninstallOptions, deps: Deps): Promise<string[]> {
  if (plan.namespacesBefore.includes('*')) return [];
  const ours = (await kube.list<Volume>(VOLUMES)).filter(
    (v) => v.spec?.claimRef?.namespace !== undefined && !plan.namespacesBefore.includes(v.spec.claimRef.namespace),
  );
  for (const v of ours.filter((x) => x.spec?.persistentVolumeReclaimPolicy !== 'Delete')) {
    deps.log.warn(
      `kept PersistentVolume ${v.metadata?.name ?? ''} of ${v.spec?.claimRef?.namespace ?? ''}/${v.spec?.claimRef?.name ?? ''}: reclaim policy ${v.spec?.persistentVolumeReclaimPolicy ?? ''} keeps its data; delete it yourself when it is no longer needed`,
    );
  }
  const deleting = ours
    .filter((x) => x.spec?.persistentVolumeReclaimPolicy === 'Delete')
    .map((x) => x.metadata?.name ?? '');
  const r = await waitUntilGone(kube, collectionPath(VOLUMES), deleting, {
    timeoutMs: opts.waveTimeoutMs,
    signal: opts.signal,
  });
  return r.remaining.map((n) => `PersistentVolume ${n} is released but its provisioner has not deleted it yet`);
}

const describe = (m: ManagedRef) => `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;

/** What the Applications listed as theirs and Argo CD left (CRDs, re-created objects); returns the CRDs deleted. */
async function removeManaged(
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
    // A kind whose CRD went already has no objects left either.
    const live = await kube.get(objectRefOf(m)).catch(() => undefined);
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
      const live = await kube.get(objectRefOf(m)).catch(() => undefined);
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

/** Our keys out of an adopted Argo CD's config, or Argo CD itself out of the cluster when we installed it. */
async function finishArgoCd(
  kube: Kube,
  plan: UninstallPlan,
  opts: UninstallOptions,
  deps: Deps,
  deleted: string[],
): Promise<string[]> {
  if (plan.revertArgocdConfig) {
    // Applying an object without the keys makes the API server drop the fields only our manager owned.
    for (const name of ['argocd-cm', 'argocd-cmd-params-cm'])
      await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ARGOCD_NAMESPACE } });
    deps.log.info("removed the kubeflow-gitops keys from Argo CD's config");
  }
  if (!plan.removeArgocd) {
    await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: INSTALL_RECORD });
    deps.log.info(`kept Argo CD: ${plan.argocdKept ?? ''}`);
    return [];
  }
  deps.log.step('removing Argo CD (installed by kubeflow-gitops)');
  const clusterScoped = [
    ...(await kube.list(CRDS))
      .filter(
        (c) =>
          c.metadata?.labels?.[LABEL_PART_OF] === 'argocd' ||
          ((c.metadata?.name ?? '').endsWith('.argoproj.io') &&
            ['applications', 'applicationsets', 'appprojects'].includes((c.metadata?.name ?? '').split('.')[0] ?? '')),
      )
      .map((o) => ({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: o.metadata?.name ?? '',
      })),
    ...(await labelled(kube, 'rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles')),
    ...(await labelled(kube, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings')),
  ];
  for (const ref of clusterScoped)
    if ((await kube.delete(ref, 'Background')) === 'deleted') deleted.push(`${ref.kind} ${ref.name}`);
  if (plan.namespacesBefore.includes(ARGOCD_NAMESPACE)) {
    await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: INSTALL_RECORD });
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

async function labelled(kube: Kube, apiVersion: string, kind: string, resource: string) {
  const items = await kube.list({ apiVersion, resource }, { labelSelector: `${LABEL_PART_OF}=argocd` });
  return items.map((o) => ({ apiVersion, kind, name: o.metadata?.name ?? '' }));
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
