/**
 * Carries out plan/plan-upgrade-steps.ts in two halves, both ensure-steps that read the live objects
 * first, so a run killed anywhere is finished by the next (`upgrade`, `install`, `apply`):
 * - before the new commit reaches Argo CD (before the push, and again before the root is applied):
 *   objects whose immutable field changes get Replace=true,Force=true for one sync; what moves between
 *   two kept Applications, the CRDs users' data hangs on and the namespaces of the install are held
 *   (Prune=false,Delete=false, IgnoreExtraneous), recorded in a ConfigMap first; the old objects upstream
 *   removes lose the retirement's hold so Argo CD deletes them with their Application;
 * - once every component is ready: holds come off (an object the new release no longer ships is kept,
 *   untracked), leftovers of the removed objects are deleted, unused Replace options are taken off.
 * Uninstall takes every hold off first, so its cascade deletes what it should.
 */
import { ANNOTATION_HELD, ARGOCD_NAMESPACE, LABEL_MANAGED_BY, TOOL } from '../core/constants.js';
import type { ObjectName } from '../catalogue/upgrade-steps.js';
import { listedResources, objectRefOf, restoreSyncOptionsPatch } from '../plan/build-uninstall-plan.js';
import { isInstallApplication, trackedBy } from '../plan/install-applications.js';
import {
  ANNOTATION_HELD_FOR_UPGRADE,
  ANNOTATION_REPLACE_ONCE,
  clientDiffPatch,
  fateOfHeld,
  holdPatch,
  needsReplace,
  releasePatch,
  replaceOncePatch,
  shownName,
  undoClientDiffPatch,
  undoReplacePatch,
  untrackPatch,
  type UpgradeStep,
} from '../plan/plan-upgrade-steps.js';
import { applicationRef, listApplications } from '../systems/argocd.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';
import { patchAnnotations } from './keep-preexisting.js';

export const HOLDS_CONFIGMAP = 'kubeflow-gitops-upgrade-holds';
const HOLDS_REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: HOLDS_CONFIGMAP } as const;

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
interface AppResource {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  requiresPruning?: boolean;
}

const keyOf = (o: ObjectName): string => `${o.group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;

async function getLive(kube: Kube, o: ObjectName): Promise<KubeObject | undefined> {
  // A kind the cluster does not serve (its CRD is gone) has no such object: get answers undefined
  // for that 404 as for any other, and lets a 403 or a 5xx through.
  return kube.get(objectRefOf(o));
}

async function ourApplications(kube: Kube): Promise<KubeObject[]> {
  return (await listApplications(kube)).filter(isInstallApplication);
}

/** The objects held so far (so a later run, on any machine, takes the holds off). */
async function readHolds(kube: Kube): Promise<ObjectName[]> {
  const cm = await kube.get<ConfigMap>(HOLDS_REF);
  try {
    const refs = JSON.parse(cm?.data?.['refs'] ?? '[]') as ObjectName[];
    return Array.isArray(refs) ? refs.filter((r) => typeof r.kind === 'string' && typeof r.name === 'string') : [];
  } catch {
    return [];
  }
}
async function writeHolds(kube: Kube, refs: readonly ObjectName[]): Promise<void> {
  if (refs.length === 0) {
    await kube.delete(HOLDS_REF);
    return;
  }
  await kube.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: HOLDS_CONFIGMAP, namespace: ARGOCD_NAMESPACE, labels: { [LABEL_MANAGED_BY]: TOOL } },
    data: { refs: JSON.stringify(refs) },
  });
}

/** Before the new commit reaches Argo CD. */
export async function prepareUpgradeSteps(kube: Kube, steps: readonly UpgradeStep[], log: Logger): Promise<void> {
  if (steps.length === 0) return;
  const apps = await ourApplications(kube);
  const ourApps = new Set(apps.map((a) => a.metadata?.name ?? ''));
  if (ourApps.size === 0) return; // nothing installed yet: nothing to replace, hand over or hold

  const toHold: Candidate[] = [];
  for (const s of steps) {
    switch (s.action) {
      case 'replace': {
        const live = await getLive(kube, s.object);
        if (live === undefined) break;
        const marked = live.metadata?.annotations?.[ANNOTATION_REPLACE_ONCE] !== undefined;
        if (!marked && !needsReplace(live, s, ourApps)) break;
        if (!marked) {
          await patchAnnotations(kube, objectRefOf(s.object), live, replaceOncePatch(live.metadata?.annotations ?? {}));
          log.info(`${shownName(s.object)}: Argo CD replaces it in ${s.app}'s next sync (${s.why})`);
        }
        // Marked by this run or by one that stopped before the replace: its Application must get to that sync.
        const app = apps.find((a) => a.metadata?.name === s.app);
        const patch = app === undefined ? undefined : clientDiffPatch(app.metadata?.annotations ?? {});
        if (app !== undefined && patch !== undefined) await patchAnnotations(kube, applicationRef(s.app), app, patch);
        break;
      }
      case 'remove': {
        let released = 0;
        for (const o of s.objects) {
          const live = await getLive(kube, o);
          const app = live === undefined ? undefined : trackedBy(live);
          if (live === undefined || app === undefined || !s.apps.includes(app)) continue;
          // Held for a successor by the retirement: it has none, so Argo CD deletes it with its Application.
          const annotations = live.metadata?.annotations ?? {};
          if (annotations[ANNOTATION_HELD] === undefined) continue;
          await patchAnnotations(kube, objectRefOf(o), live, restoreSyncOptionsPatch(annotations, ANNOTATION_HELD));
          released += 1;
        }
        if (released > 0)
          log.info(`${String(released)} old object(s) of ${s.apps.join(', ')} go with their Application: ${s.why}`);
        break;
      }
      case 'hand-over':
        for (const o of s.objects) toHold.push({ ref: o, from: s.from });
        break;
      case 'hold-data': {
        // Argo CD never puts its tracking id on a CRD: one of ours is one an Application of ours lists.
        const listed = new Set(
          listedResources(apps)
            .filter((r) => r.kind === 'CustomResourceDefinition')
            .map((r) => r.name),
        );
        for (const name of s.crds.filter((n) => listed.has(n)))
          toHold.push({
            ref: { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name },
            untracked: true,
          });
        for (const r of listedResources(apps))
          if (r.kind === 'Namespace' && r.group === '') toHold.push({ ref: { ...r, namespace: undefined } });
        break;
      }
    }
  }
  await holdAll(kube, toHold, ourApps, log);
}

/** Something to hold; a hand-over's object only while its old Application (`from`) tracks it. */
interface Candidate {
  readonly ref: ObjectName;
  readonly from?: string;
  /** Known to be ours without a tracking id (a CRD an Application of ours lists). */
  readonly untracked?: boolean;
}

/** Holds each candidate an Application of ours tracks. */
async function holdAll(
  kube: Kube,
  candidates: readonly Candidate[],
  ourApps: ReadonlySet<string>,
  log: Logger,
): Promise<void> {
  const live: { ref: ObjectName; o: KubeObject; handOver: boolean }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(keyOf(c.ref))) continue;
    seen.add(keyOf(c.ref));
    const o = await getLive(kube, c.ref);
    const app = o === undefined ? undefined : trackedBy(o);
    if (o === undefined) continue;
    if (c.untracked !== true && (app === undefined || !ourApps.has(app))) continue;
    if (c.from !== undefined && app !== c.from) continue;
    live.push({ ref: c.ref, o, handOver: c.from !== undefined });
  }
  if (live.length === 0) return;
  // Recorded before the first patch: a run killed in between still knows what to give back.
  const recorded = await readHolds(kube);
  const known = new Set(recorded.map(keyOf));
  const all = [...recorded, ...live.map((l) => l.ref).filter((r) => !known.has(keyOf(r)))];
  if (all.length !== recorded.length) await writeHolds(kube, all);
  let held = 0;
  for (const { ref, o } of live) {
    const annotations = o.metadata?.annotations ?? {};
    if (annotations[ANNOTATION_HELD_FOR_UPGRADE] !== undefined) continue;
    await patchAnnotations(kube, objectRefOf(ref), o, holdPatch(annotations));
    held += 1;
  }
  const handed = live.filter((l) => l.handOver).map((l) => shownName(l.ref));
  if (handed.length > 0)
    log.info(`held for the Application that ships them now, which takes them over in place: ${handed.join(', ')}`);
  const data = live.length - handed.length;
  if (data > 0)
    log.info(
      `holding users' data through the upgrade: ${String(data)} CRD(s) and namespace(s) get Prune=false,Delete=false until every component is ready${held < live.length ? ` (${String(live.length - held)} held already)` : ''}`,
    );
}

/** Whether an Application's status lists the object as part of what it ships (not as one to prune). */
function ships(app: KubeObject | undefined, ref: ObjectName): boolean {
  const resources = (app as { status?: { resources?: AppResource[] } } | undefined)?.status?.resources ?? [];
  return resources.some(
    (r) =>
      (r.group ?? '') === ref.group &&
      r.kind === ref.kind &&
      r.name === ref.name &&
      (ref.namespace === undefined || r.namespace === ref.namespace) &&
      r.requiresPruning !== true,
  );
}

/** Once every component is ready: holds off, old objects' leftovers deleted, unused Replace options off. */
export async function finishUpgradeSteps(
  kube: Kube,
  steps: readonly UpgradeStep[],
  forkApps: ReadonlySet<string>,
  log: Logger,
): Promise<boolean> {
  // Most runs have no step for their release and nothing held: one GET, then done.
  if (steps.length === 0 && (await readHolds(kube)).length === 0) return false;
  let changed = 0;
  const apps = await ourApplications(kube);
  const byName = new Map(apps.map((a) => [a.metadata?.name ?? '', a]));
  const ourApps = new Set(byName.keys());
  for (const s of steps) {
    if (s.action === 'replace') {
      const app = byName.get(s.app);
      const undo = app === undefined ? undefined : undoClientDiffPatch(app.metadata?.annotations ?? {});
      if (app !== undefined && undo !== undefined) {
        await patchAnnotations(kube, applicationRef(s.app), app, undo);
        changed++;
      }
      const live = await getLive(kube, s.object);
      const annotations = live?.metadata?.annotations ?? {};
      if (live === undefined || annotations[ANNOTATION_REPLACE_ONCE] === undefined) continue;
      await patchAnnotations(kube, objectRefOf(s.object), live, undoReplacePatch(annotations));
      changed++;
    } else if (s.action === 'remove') {
      for (const o of s.objects) {
        const live = await getLive(kube, o);
        const app = live === undefined ? undefined : trackedBy(live);
        if (live === undefined || app === undefined || !s.apps.includes(app)) continue;
        // Still its Application's (a retired one not pruned yet, or a team's overlay that ships it): leave it.
        if (byName.has(app) && (!forkApps.has(app) || ships(byName.get(app), o))) continue;
        if ((await kube.delete(objectRefOf(o), 'Background')) === 'deleted') {
          log.info(`deleted ${shownName(o)}: ${s.why}`);
          changed++;
        }
      }
    }
  }
  const shippedBy = (app: string, ref: ObjectName) => ships(byName.get(app), ref);
  changed += await releaseHeld(
    kube,
    (o, ref) =>
      fateOfHeld(
        o,
        forkApps,
        ourApps,
        (app) => shippedBy(app, ref),
        () => [...forkApps].some((app) => shippedBy(app, ref)),
      ),
    log,
  );
  return changed > 0;
}

/** Uninstall, before its cascade: every hold off, so each object goes with whichever Application tracks it. */
export async function releaseUpgradeHolds(kube: Kube, log: Logger): Promise<void> {
  await releaseHeld(kube, () => 'release', log);
}

async function releaseHeld(
  kube: Kube,
  fate: (o: KubeObject, ref: ObjectName) => 'release' | 'keep' | 'wait',
  log: Logger,
): Promise<number> {
  const refs = await readHolds(kube);
  if (refs.length === 0) return 0;
  const waiting: ObjectName[] = [];
  const kept: string[] = [];
  let released = 0;
  for (const ref of refs) {
    const o = await getLive(kube, ref);
    const annotations = o?.metadata?.annotations ?? {};
    if (o === undefined || annotations[ANNOTATION_HELD_FOR_UPGRADE] === undefined) continue;
    const f = fate(o, ref);
    if (f === 'wait') {
      waiting.push(ref);
      continue;
    }
    const patch = { ...releasePatch(annotations), ...(f === 'keep' ? untrackPatch() : {}) };
    await patchAnnotations(kube, objectRefOf(ref), o, patch);
    released++;
    if (f === 'keep') kept.push(shownName(ref));
  }
  if (kept.length > 0)
    log.info(
      `kept ${kept.join(', ')}: the new release no longer ships it, and users' data hangs on it; Argo CD no longer manages it (delete it yourself once it holds nothing you need)`,
    );
  await writeHolds(kube, waiting);
  return released;
}
