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
import { buildRootApplication, ROOT_IGNORES_FINALIZERS } from '../plan/render-application.js';
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

/** Before the root sees the new commit: record, then let go (successor) or mark what existed before. */
export async function prepareRetirements(kube: Kube, retirements: readonly Retirement[], live: readonly KubeObject[], record: InstallRecord | undefined, log: Logger): Promise<void> {
  if (retirements.length === 0) return;
  const entries = await readRetirements(kube);
  for (const r of retirements) if (!entries.has(r.app)) entries.set(r.app, { successor: r.successor, refs: r.refs });
  await writeRetirements(kube, entries);
  if (retirements.some((r) => r.successor !== undefined)) await ensureRootKeepsFinalizersOff(kube);
  for (const r of retirements) {
    const app = live.find((a) => a.metadata?.name === r.app);
    if (app === undefined) continue;
    if (r.successor !== undefined) {
      await setFinalizer(kube, app, false);
      log.info(`${r.app} is part of ${r.successor} now: its Application goes without deleting what it deployed, and ${r.successor} takes that over in place`);
    } else {
      await markPreexisting(kube, [app], record, log);
      log.info(`${r.app} is no longer in the fork: the root deletes it and what it deployed (except what was there before the install)`);
    }
  }
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
    // The fork has it again (the upgrade never landed, or it was put back): it cascades as before.
    if (a.metadata?.['deletionTimestamp'] === undefined) await setFinalizer(kube, a, true);
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
  spec?: { source?: { repoURL?: string; targetRevision?: string }; ignoreDifferences?: { group?: string; kind?: string; jsonPointers?: string[] }[]; syncPolicy?: { syncOptions?: string[] } };
}

/**
 * A root applied by an older kubeflow-gitops self-heals its children's finalizers back from git:
 * re-apply it as rendered now (same fork and branch) before taking a finalizer off.
 */
async function ensureRootKeepsFinalizersOff(kube: Kube): Promise<void> {
  const root = await kube.get<RootApp>({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: ARGOCD_NAMESPACE, name: ROOT_APP_NAME });
  const source = root?.spec?.source;
  if (source?.repoURL === undefined || source.targetRevision === undefined) return;
  const ignores = root?.spec?.ignoreDifferences?.some((d) => d.group === ROOT_IGNORES_FINALIZERS.group && d.kind === ROOT_IGNORES_FINALIZERS.kind && ROOT_IGNORES_FINALIZERS.jsonPointers.every((j) => d.jsonPointers?.includes(j) === true)) === true;
  if (ignores && root.spec?.syncPolicy?.syncOptions?.includes('RespectIgnoreDifferences=true') === true) return;
  await kube.apply(buildRootApplication({ repoURL: source.repoURL, targetRevision: source.targetRevision }) as KubeObject);
}

async function setFinalizer(kube: Kube, app: KubeObject, on: boolean): Promise<void> {
  const finalizers = (app.metadata?.['finalizers'] as string[] | undefined) ?? [];
  if (finalizers.includes(RESOURCES_FINALIZER) === on) return;
  const next = on ? [...finalizers, RESOURCES_FINALIZER] : finalizers.filter((f) => f !== RESOURCES_FINALIZER);
  try {
    await kube.request('PATCH', `${APPLICATIONS_PATH}/${encodeURIComponent(app.metadata?.name ?? '')}`, { metadata: { finalizers: next } }, 'application/merge-patch+json');
  } catch (err) {
    if (!(err instanceof KubeApiError && err.code === 404)) throw err;
  }
}
