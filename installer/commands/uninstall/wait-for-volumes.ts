/**
 * Volumes of claims in namespaces this install created: with reclaim policy Delete their provisioner
 * removes them once released, so wait for that; a Retain volume holds data and is left, and said so.
 */
import type { Deps } from '../../deps.js';
import type { UninstallPlan } from '../../plan/build-uninstall-plan.js';
import { collectionPath, type Kube, type KubeObject } from '../../systems/kube.js';
import { waitUntilGone } from '../../watch/wait-until-gone.js';
import { VOLUMES, type UninstallOptions } from './uninstall-steps.js';

interface Volume extends KubeObject {
  spec?: { claimRef?: { namespace?: string; name?: string }; persistentVolumeReclaimPolicy?: string };
}

export async function waitForVolumes(
  kube: Kube,
  plan: UninstallPlan,
  opts: UninstallOptions,
  deps: Deps,
): Promise<string[]> {
  if (plan.namespacesBefore.includes('*')) return [];
  const ours = (await kube.list<Volume>(VOLUMES)).filter(
    (v) => v.spec?.claimRef?.namespace !== undefined && !plan.namespacesBefore.includes(v.spec.claimRef.namespace),
  );
  for (const v of ours.filter((x) => x.spec?.persistentVolumeReclaimPolicy !== 'Delete'))
    deps.log.warn(keptVolumeSentence(v));
  const deleting = ours
    .filter((x) => x.spec?.persistentVolumeReclaimPolicy === 'Delete')
    .map((x) => x.metadata?.name ?? '');
  const r = await waitUntilGone(kube, collectionPath(VOLUMES), deleting, {
    timeoutMs: opts.waveTimeoutMs,
    signal: opts.signal,
  });
  return r.remaining.map((n) => `PersistentVolume ${n} is released but its provisioner has not deleted it yet`);
}

function keptVolumeSentence(v: Volume): string {
  const claim = `${v.spec?.claimRef?.namespace ?? ''}/${v.spec?.claimRef?.name ?? ''}`;
  const policy = v.spec?.persistentVolumeReclaimPolicy ?? '';
  return `kept PersistentVolume ${v.metadata?.name ?? ''} of ${claim}: reclaim policy ${policy} keeps its data; delete it yourself when it is no longer needed`;
}
