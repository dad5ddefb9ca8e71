/**
 * Carries out plan/plan-retirements.ts. Before the root can see the commit that drops an Application:
 * what the Application holds is written to a ConfigMap, then its objects get Argo CD's Delete=false
 * (its successor adopts them in place; what existed before the install is kept the same way), so the
 * root's prune and the resources finalizer delete nothing of them, and the Application gets Argo CD's
 * skip-reconcile: between the push and the root's prune (minutes: the root prunes in the retired
 * Application's wave) it would otherwise self-heal what its successor has just changed, fail on an
 * immutable field, and its retries hold off its own deletion for as long as they last (Argo CD
 * finalizes a deleting Application only once no operation is pending). The root's client-side apply
 * leaves that annotation alone. Once the root has pruned it, skip-reconcile comes off and Argo CD
 * finalizes it; then (this run or any later one, on any machine: the ConfigMap is in the cluster)
 * each object gets its own sync-options back, what no successor took is deleted and what existed
 * before is handed back. Every half is an ensure-step.
 */
import {
  ANNOTATION_HELD,
  ANNOTATION_KEPT,
  ANNOTATION_SKIP_RECONCILE,
  ANNOTATION_TRACKING_ID,
  ARGOCD_NAMESPACE,
  LABEL_MANAGED_BY,
  TOOL,
} from '../core/constants.js';
import {
  keepOnDeletePatch,
  keepsOnDelete,
  objectRefOf,
  restoreSyncOptionsPatch,
  type ManagedRef,
} from '../plan/build-uninstall-plan.js';
import type { Release } from '../catalogue/releases.js';
import { planRetirements, settle, type Retirement } from '../plan/plan-retirements.js';
import { APPLICATIONS_PATH, applicationRef, listApplications } from '../systems/argocd.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import { waitUntilEach, waitUntilGone } from '../watch/wait-until-gone.js';
import type { InstallRecord } from '../plan/parse-install-record.js';
import { markPreexisting, patchAnnotations, releasePreexisting, shown } from './keep-preexisting.js';

export const RETIRED_CONFIGMAP = 'kubeflow-gitops-retired';
const REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: RETIRED_CONFIGMAP } as const;

interface Entry {
  readonly successor?: string | undefined;
  readonly refs: readonly ManagedRef[];
  /** Skip-reconcile was put on the Application by this tool (and comes off once the root prunes it). */
  readonly frozen?: boolean | undefined;
}
interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** The retirements not yet settled, by Application name. */
export async function readRetirements(kube: Kube): Promise<Map<string, Entry>> {
  const cm = await kube.get<ConfigMap>(REF);
  const out = new Map<string, Entry>();
  for (const [app, json] of Object.entries(cm?.data ?? {})) {
    try {
      const e = JSON.parse(json) as Entry;
      out.set(app, { successor: e.successor, refs: Array.isArray(e.refs) ? e.refs : [], frozen: e.frozen === true });
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
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: RETIRED_CONFIGMAP, namespace: ARGOCD_NAMESPACE, labels: { [LABEL_MANAGED_BY]: TOOL } },
    data: Object.fromEntries([...entries].map(([app, e]) => [app, JSON.stringify(e)])),
  });
}

/** How long a ready install waits for the root to prune the Applications the fork dropped. */
const RETIRE_WAIT_MS = 120_000;

/**
 * Before the root sees the commit that drops an Application (an upgrade folds a component into
 * another): retire what the cluster runs and the fork no longer has.
 */
export async function retireDroppedApplications(
  kube: Kube,
  forkApps: ReadonlySet<string>,
  release: Release,
  record: InstallRecord | undefined,
  log: Logger,
): Promise<void> {
  const live = await listApplications(kube);
  await prepareRetirements(kube, planRetirements(live, forkApps, release), live, record, log);
}

/** Once every component is ready: settle the retirements the root has pruned, and say which it has not yet. */
export async function settleRetirements(
  kube: Kube,
  forkApps: ReadonlySet<string>,
  record: InstallRecord | undefined,
  log: Logger,
): Promise<void> {
  const pending = await finishRetirements(kube, forkApps, record, log, { timeoutMs: RETIRE_WAIT_MS });
  if (pending.length > 0)
    log.warn(
      `the root has not pruned ${pending.join(', ')} yet; what they deployed is settled by the next run of this command`,
    );
}

/** Before the root sees the new commit: record, then hold the objects (successor) or mark what existed before, then freeze. */
export async function prepareRetirements(
  kube: Kube,
  retirements: readonly Retirement[],
  live: readonly KubeObject[],
  record: InstallRecord | undefined,
  log: Logger,
): Promise<void> {
  if (retirements.length === 0) return;
  const entries = await readRetirements(kube);
  const liveApp = (name: string) => live.find((a) => a.metadata?.name === name);
  for (const r of retirements) {
    const app = liveApp(r.app);
    // Recorded before the annotation goes on: a run killed in between still takes it off later.
    const freeze = app !== undefined && !skipsReconcile(app);
    const before = entries.get(r.app);
    entries.set(r.app, {
      ...(before ?? { successor: r.successor, refs: r.refs }),
      frozen: before?.frozen === true || freeze,
    });
  }
  await writeRetirements(kube, entries);
  for (const r of retirements) {
    const app = liveApp(r.app);
    if (app === undefined) continue;
    if (r.successor !== undefined) {
      const held = await holdAll(kube, r.refs);
      log.info(
        `${r.app} is part of ${r.successor} now: its ${String(held)} object(s) stay when its Application goes, and ${r.successor} takes them over in place`,
      );
    } else {
      await markPreexisting(kube, [app], record, log);
      log.info(
        `${r.app} is no longer in the fork: the root deletes it and what it deployed (except what was there before the install)`,
      );
    }
    if (entries.get(r.app)?.frozen === true && !skipsReconcile(app))
      await patchAnnotations(kube, applicationRef(r.app), app, { [ANNOTATION_SKIP_RECONCILE]: 'true' });
  }
}

/**
 * Once the root has pruned a frozen retired Application (it is being deleted, and Argo CD never
 * auto-syncs one that is), takes skip-reconcile off so that Argo CD runs its resources finalizer.
 * Runs beside the watch: the root is not Synced while a child it pruned is still there. Ends when
 * each is thawed or gone, or at `signal`.
 */
export async function thawPrunedRetirements(
  kube: Kube,
  log: Logger,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<void> {
  const frozen = frozenApps(await readRetirements(kube));
  const thawing: Promise<void>[] = [];
  await waitUntilEach(kube, APPLICATIONS_PATH, frozen, (a) => a === undefined || deleting(a), {
    ...opts,
    onDone: (app, a) => {
      if (a !== undefined && skipsReconcile(a))
        thawing.push(
          thaw(kube, a).then(() => {
            log.info(`the root pruned ${app}: Argo CD finishes its deletion now`);
          }),
        );
    },
  });
  await Promise.all(thawing);
}

/**
 * Once the retired Applications are gone (waits up to `timeoutMs` for the root to prune them):
 * delete what no successor took, hand back what was there before. Returns the Applications still
 * waiting to be pruned (settled by a later run).
 */
export async function finishRetirements(
  kube: Kube,
  forkApps: ReadonlySet<string>,
  record: InstallRecord | undefined,
  log: Logger,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<string[]> {
  const entries = await readRetirements(kube);
  if (entries.size === 0) return [];
  const live = new Map((await listApplications(kube)).map((a) => [a.metadata?.name ?? '', a]));
  for (const app of [...entries.keys()]) {
    const a = live.get(app);
    if (a === undefined || !forkApps.has(app)) continue;
    // The fork has it again (the upgrade never landed, or it was put back): it cascades as before.
    for (const ref of entries.get(app)?.refs ?? []) await unhold(kube, ref);
    if (entries.get(app)?.frozen === true) await thaw(kube, a);
    entries.delete(app);
  }
  const waiting = [...entries.keys()].filter((app) => live.has(app));
  const { remaining } =
    opts.timeoutMs > 0 ? await waitUntilGone(kube, APPLICATIONS_PATH, waiting, opts) : { remaining: waiting };
  for (const [app, e] of entries) {
    if (remaining.includes(app)) continue;
    for (const ref of e.refs) await settleOne(kube, ref, app, record, log);
    entries.delete(app);
  }
  await writeRetirements(kube, entries);
  return remaining.slice();
}

/**
 * Uninstall, before its cascade: every held object gets its own sync-options back, so it goes with
 * whoever tracks it, and every frozen Application is reconciled again, so that its cascade runs.
 */
export async function releaseHolds(kube: Kube): Promise<void> {
  const entries = await readRetirements(kube);
  for (const e of entries.values()) for (const ref of e.refs) await unhold(kube, ref);
  const frozen = frozenApps(entries);
  for (const a of await listApplications(kube)) if (frozen.includes(a.metadata?.name ?? '')) await thaw(kube, a);
}

const frozenApps = (entries: ReadonlyMap<string, Entry>): string[] =>
  [...entries].filter(([, e]) => e.frozen === true).map(([app]) => app);

const deleting = (a: KubeObject): boolean => a.metadata?.['deletionTimestamp'] !== undefined;
/** As Go's strconv.ParseBool reads it, which is how Argo CD does. */
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const skipsReconcile = (a: KubeObject): boolean => TRUE.has(a.metadata?.annotations?.[ANNOTATION_SKIP_RECONCILE] ?? '');

async function thaw(kube: Kube, a: KubeObject): Promise<void> {
  if (!skipsReconcile(a)) return;
  await patchAnnotations(kube, applicationRef(a.metadata?.name ?? ''), a, { [ANNOTATION_SKIP_RECONCILE]: null });
}

async function settleOne(
  kube: Kube,
  ref: ManagedRef,
  app: string,
  record: InstallRecord | undefined,
  log: Logger,
): Promise<void> {
  const r = objectRefOf(ref);
  const o = await unhold(kube, ref);
  if (o === undefined) return;
  switch (settle({ ...o, kind: r.kind }, app, record)) {
    case 'leave':
      return;
    case 'release':
      await releasePreexisting(kube, r, o, new Set([app]), log);
      return;
    case 'untrack':
      await patchAnnotations(kube, r, o, { [ANNOTATION_TRACKING_ID]: null });
      return;
    case 'delete':
      if ((await kube.delete(r, 'Background')) === 'deleted')
        log.info(`deleted ${shown(r.kind, o)}: ${app} had it and its successor does not`);
  }
}

/** Delete=false on each object not already kept; returns how many are held. */
async function holdAll(kube: Kube, refs: readonly ManagedRef[]): Promise<number> {
  let held = 0;
  for (const ref of refs) {
    const r = objectRefOf(ref);
    const o = await kube.get(r); // undefined only on a 404 (the object, or its kind, is gone)
    if (o === undefined) continue;
    held += 1;
    const annotations = o.metadata?.annotations ?? {};
    if (annotations[ANNOTATION_HELD] !== undefined || annotations[ANNOTATION_KEPT] !== undefined || keepsOnDelete(o))
      continue;
    await patchAnnotations(kube, r, o, keepOnDeletePatch(annotations, ANNOTATION_HELD));
  }
  return held;
}

/** Gives a held object its own sync-options back; returns it as it is then (undefined when gone). */
async function unhold(kube: Kube, ref: ManagedRef): Promise<KubeObject | undefined> {
  const r = objectRefOf(ref);
  const o = await kube.get(r);
  if (o?.metadata?.annotations?.[ANNOTATION_HELD] === undefined) return o;
  const restored = restoreSyncOptionsPatch(o.metadata.annotations, ANNOTATION_HELD);
  await patchAnnotations(kube, r, o, restored);
  const annotations = Object.fromEntries(
    Object.entries({ ...o.metadata.annotations, ...restored }).filter((e): e is [string, string] => e[1] !== null),
  );
  return { ...o, metadata: { ...o.metadata, annotations } };
}
