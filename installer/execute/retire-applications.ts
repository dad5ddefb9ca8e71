/**
 * Carries out plan/plan-retirements.ts. Before the root can see the commit that drops an Application:
 * what the Application holds is written to a ConfigMap, then it either lets go of its objects (its
 * successor adopts them in place) or keeps what existed before the install (Delete=false). Once the
 * root has pruned it (this run or any later one, on any machine: the ConfigMap is in the cluster),
 * the objects no successor took are deleted and the kept ones handed back. Both halves are
 * ensure-steps; an upgrade that never landed gets its finalizer back.
 */
import { ARGOCD_NAMESPACE, LABEL_MANAGED_BY, RESOURCES_FINALIZER, ROOT_APP_NAME, TOOL, ANNOTATION_TRACKING_ID } from '../constants.js';
import { objectRefOf, type ManagedRef } from '../plan/build-uninstall-plan.js';
import { settle, type Retirement } from '../plan/plan-retirements.js';
import { buildRootApplication } from '../plan/render-application.js';
import { KubeApiError, type Kube, type KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import { waitUntilGone } from '../watch/wait-until-gone.js';
import type { InstallRecord } from './install-record.js';
import { APPLICATIONS_PATH, listApplications } from './list-applications.js';
import { markPreexisting, patchAnnotations, releasePreexisting, shown } from './keep-preexisting.js';

export const RETIRED_CONFIGMAP = 'kubeflow-gitops-retired';
const REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: RETIRED_CONFIGMAP } as const;

interface Entry { readonly successor?: string | undefined; readonly refs: readonly ManagedRef[] }
interface ConfigMap extends KubeObject { data?: Record<string, string> }

/** The retirements not yet settled, by Application name. */
export async function readRetirements(kube: Kube): Promise<Map<string, Entry>> {
  const cm = await kube.get<ConfigMap>(REF);
  const out = new Map<string, Entry>();
  for (const [app, json] of Object.entries(cm?.data ?? {})) {
    try {
      const e = JSON.parse(json) as Entry;
      out.set(app, { successor: e.successor, refs: Array.isArray(e.refs) ? e.refs : [] });
    } catch {
      out.set(app, { refs: [] }); // hand-edited: settle nothing, but still restore or forget it
    }
  }
  return out;
}

async function writeRetirements(kube: Kube, entries: ReadonlyMap<string, Entry>): Promise<void> {
  if (entries.size === 0) {
    await kube.delete(REF);
    return;
  }
  // Server-side apply of the whole map: keys this manager wrote before and left out now are dropped.
  await kube.apply({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: RETIRED_CONFIGMAP, namespace: ARGOCD_NAMESPACE, labels: { [LABEL_MANAGED_BY]: TOOL } },
    data: Object.fromEntries([...entries].map(([app, e]) => [app, JSON.stringify(e)])),
  });
}

/**
 * Before the root sees the new commit: record, then let go (successor) or mark what existed before.
 * Returns whether the root's self-heal is held off (see holdRoot); the caller applies the root so.
 */
export async function prepareRetirements(kube: Kube, retirements: readonly Retirement[], live: readonly KubeObject[], record: InstallRecord | undefined, log: Logger): Promise<boolean> {
  if (retirements.length === 0) return false;
  const entries = await readRetirements(kube);
  for (const r of retirements) if (!entries.has(r.app)) entries.set(r.app, { successor: r.successor, refs: r.refs });
  await writeRetirements(kube, entries);
  const holdRoot = retirements.some((r) => r.successor !== undefined);
  if (holdRoot) await setRootSelfHeal(kube, false);
  for (const r of retirements) {
    const app = live.find((a) => a.metadata?.name === r.app);
    if (app === undefined) continue;
    if (r.successor !== undefined) {
      await letGo(kube, app);
      log.info(`${r.app} is part of ${r.successor} now: its Application goes without deleting what it deployed, and ${r.successor} takes that over in place`);
    } else {
      await markPreexisting(kube, [app], record, log);
      log.info(`${r.app} is no longer in the fork: the root deletes it and what it deployed (except what was there before the install)`);
    }
  }
  return holdRoot;
}

/**
 * After the watch of a run that held the root's self-heal off: once the root has applied the pushed
 * commit the retired Applications are out of its desired state, so self-heal cannot bring them back.
 */
export async function resumeRootSelfHeal(kube: Kube, revision: string, log: Logger): Promise<void> {
  const root = await kube.get<RootApp>({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: ARGOCD_NAMESPACE, name: ROOT_APP_NAME });
  if (root?.status?.sync?.status === 'Synced' && root.status.sync.revision === revision) {
    await setRootSelfHeal(kube, true);
    return;
  }
  log.warn(`the root Application "${ROOT_APP_NAME}" has not applied ${revision.slice(0, 7)} yet, so its self-heal stays off; run this command again once it has`);
}

/**
 * Once the retired Applications are gone (waits up to `timeoutMs` for the root to prune them):
 * delete what no successor took, hand back what was there before. Returns the Applications still
 * waiting to be pruned (settled by a later run).
 */
export async function finishRetirements(kube: Kube, forkApps: ReadonlySet<string>, record: InstallRecord | undefined, log: Logger, opts: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<string[]> {
  const entries = await readRetirements(kube);
  if (entries.size === 0) return [];
  const live = new Map((await listApplications(kube)).map((a) => [a.metadata?.name ?? '', a]));
  for (const app of [...entries.keys()]) {
    const a = live.get(app);
    if (a === undefined || !forkApps.has(app)) continue;
    // The fork has it again (the upgrade never landed, or it was put back): it cascades as before, and
    // the root, self-healing again, gives it back its automated sync.
    if (a.metadata?.['deletionTimestamp'] === undefined) await restoreFinalizer(kube, a);
    entries.delete(app);
  }
  const waiting = [...entries.keys()].filter((app) => live.has(app));
  const { remaining } = opts.timeoutMs > 0 ? await waitUntilGone(kube, APPLICATIONS_PATH, waiting, opts) : { remaining: waiting };
  for (const [app, e] of entries) {
    if (remaining.includes(app)) continue;
    for (const ref of e.refs) await settleOne(kube, ref, app, record, log);
    entries.delete(app);
  }
  await writeRetirements(kube, entries);
  return remaining.slice();
}

async function settleOne(kube: Kube, ref: ManagedRef, app: string, record: InstallRecord | undefined, log: Logger): Promise<void> {
  const r = objectRefOf(ref);
  const o = await kube.get(r).catch(() => undefined);
  if (o === undefined) return;
  switch (settle({ ...o, kind: r.kind }, app, record)) {
    case 'leave': return;
    case 'release': await releasePreexisting(kube, r, o, new Set([app]), log); return;
    case 'untrack': await patchAnnotations(kube, r, o, { [ANNOTATION_TRACKING_ID]: null }); return;
    case 'delete':
      if (await kube.delete(r, 'Background') === 'deleted') log.info(`deleted ${shown(r.kind, o)}: ${app} had it and its successor does not`);
  }
}

interface RootApp extends KubeObject {
  spec?: { source?: { repoURL?: string; targetRevision?: string }; syncPolicy?: { automated?: { selfHeal?: boolean } } };
  status?: { sync?: { status?: string; revision?: string } };
}

/**
 * The root's self-heal re-applies its children from the commit it has, finalizers included: while a
 * retiring Application's finalizer is off, until the root has the commit without it, it must not run.
 * Not ignoreDifferences + RespectIgnoreDifferences on the finalizers: for a resource whose status is
 * not a subresource (Applications) Argo CD then copies the live status it has cached into what it
 * applies, and a child's stale operationState written back leaves its sync stuck "Running".
 */
async function setRootSelfHeal(kube: Kube, on: boolean): Promise<void> {
  const root = await kube.get<RootApp>({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: ARGOCD_NAMESPACE, name: ROOT_APP_NAME });
  const source = root?.spec?.source;
  if (source?.repoURL === undefined || source.targetRevision === undefined) return;
  if ((root?.spec?.syncPolicy?.automated?.selfHeal === true) === on) return;
  await kube.apply(buildRootApplication({ repoURL: source.repoURL, targetRevision: source.targetRevision }, { selfHeal: on }) as KubeObject);
}

/** No cascade on prune, and no self-heal fighting the successor over the objects it adopts. */
async function letGo(kube: Kube, app: KubeObject): Promise<void> {
  const finalizers = (app.metadata?.['finalizers'] as string[] | undefined) ?? [];
  const automated = (app as { spec?: { syncPolicy?: { automated?: unknown } } }).spec?.syncPolicy?.automated;
  if (!finalizers.includes(RESOURCES_FINALIZER) && automated === undefined) return;
  await patchApplication(kube, app, { metadata: { finalizers: finalizers.filter((f) => f !== RESOURCES_FINALIZER) }, spec: { syncPolicy: { automated: null } } });
}

async function restoreFinalizer(kube: Kube, app: KubeObject): Promise<void> {
  const finalizers = (app.metadata?.['finalizers'] as string[] | undefined) ?? [];
  if (finalizers.includes(RESOURCES_FINALIZER)) return;
  await patchApplication(kube, app, { metadata: { finalizers: [...finalizers, RESOURCES_FINALIZER] } });
}

async function patchApplication(kube: Kube, app: KubeObject, patch: object): Promise<void> {
  try {
    await kube.request('PATCH', `${APPLICATIONS_PATH}/${encodeURIComponent(app.metadata?.name ?? '')}`, patch, 'application/merge-patch+json');
  } catch (err) {
    if (!(err instanceof KubeApiError && err.code === 404)) throw err;
  }
}
