/**
 * Uninstall never deletes what was in the cluster before the install, yet Argo CD adopts such an
 * object when a component ships it, and its cascade would delete it with the component. So before
 * any Application goes, each such object gets Argo CD's own `Delete=false` (what its sync-options
 * held is kept in our annotation); once the Applications are gone it is handed back: our annotations
 * and Argo CD's tracking removed. Argo CD's changes to it during the install stay: how it looked
 * before was never stored.
 */
import { ANNOTATION_KEPT, ANNOTATION_TRACKING_ID } from '../core/constants.js';
import type { InstallRecord } from '../plan/parse-install-record.js';
import {
  existedBefore,
  keepOnDeletePatch,
  keepsOnDelete,
  listedResources,
  restoreSyncOptionsPatch,
} from '../plan/build-uninstall-plan.js';
import { trackedBy } from '../plan/install-applications.js';
import { isNotFound, orAbsent, type Kube, type KubeObject, type ResourceType } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';

type Kind = Pick<ResourceType, 'apiVersion' | 'kind'>;
export const shown = (kind: string, o: KubeObject) =>
  `${kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;

/** Marks the Applications' objects that existed before the install; returns them as "Kind ns/name". */
export async function markPreexisting(
  kube: Kube,
  apps: readonly KubeObject[],
  record: InstallRecord | undefined,
  log: Logger,
): Promise<string[]> {
  if (!record) return [];
  const refs = listedResources(apps);
  const types = await kube.resourceTypes();
  const marked: string[] = [];
  // One list per kind instead of a GET per object: a full Kubeflow lists some 700 objects.
  const kinds = new Map<string, typeof refs>();
  for (const r of refs) {
    const key = `${r.group}/${r.kind}`;
    const list = kinds.get(key) ?? [];
    if (list.length === 0) kinds.set(key, list);
    list.push(r);
  }
  for (const [key, group] of kinds) {
    const type = types.find(
      (t) => `${t.apiVersion.includes('/') ? (t.apiVersion.split('/')[0] ?? '') : ''}/${t.kind}` === key,
    );
    if (type === undefined) continue; // its CRD is gone, and with it every such object
    // A 404: the kind went with its CRD since discovery, and every such object with it.
    const items = await kube.list(type).catch(orAbsent([]));
    const byName = new Map(
      items.map((o) => [`${type.namespaced ? (o.metadata?.namespace ?? '') : ''}/${o.metadata?.name ?? ''}`, o]),
    );
    for (const r of group) {
      const live = byName.get(`${type.namespaced ? (r.namespace ?? '') : ''}/${r.name}`);
      if (live === undefined || !existedBefore({ ...live, kind: type.kind }, record)) continue;
      const annotations = live.metadata?.annotations ?? {};
      if (annotations[ANNOTATION_KEPT] !== undefined || keepsOnDelete(live)) continue;
      await patchAnnotations(kube, type, live, keepOnDeletePatch(annotations, ANNOTATION_KEPT));
      marked.push(shown(type.kind, live));
    }
  }
  if (marked.length > 0)
    log.info(
      `keeping ${String(marked.length)} object(s) that were in the cluster before the install and that components adopted: ${marked.join(', ')}`,
    );
  return marked;
}

/** Hands a marked object back once no Application of ours can act on it any more. */
export async function releasePreexisting(
  kube: Kube,
  type: Kind,
  o: KubeObject,
  ourApps: ReadonlySet<string>,
  log: Logger,
): Promise<void> {
  const tracked = trackedBy(o);
  await patchAnnotations(kube, type, o, {
    ...restoreSyncOptionsPatch(o.metadata?.annotations ?? {}, ANNOTATION_KEPT),
    ...(tracked !== undefined && ourApps.has(tracked) ? { [ANNOTATION_TRACKING_ID]: null } : {}),
  });
  log.info(`kept ${shown(type.kind, o)}: it was there before the install (the changes Argo CD made to it stay)`);
}

export async function patchAnnotations(
  kube: Kube,
  type: Kind,
  o: KubeObject,
  annotations: Record<string, string | null>,
): Promise<void> {
  try {
    const ref = {
      apiVersion: type.apiVersion,
      kind: type.kind,
      namespace: o.metadata?.namespace,
      name: o.metadata?.name ?? '',
    };
    await kube.mergePatch(ref, { metadata: { annotations } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
