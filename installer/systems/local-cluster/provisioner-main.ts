/**
 * A minimal external volume provisioner for the local cluster's default StorageClass. There is no
 * kubelet, so nothing ever mounts these volumes; what matters is that the real PV controller in
 * kube-controller-manager sees a matching PV and binds the claim, the way it does with any CSI driver.
 *
 * Loop: a Pending claim of our class without a volume gets a hostPath PV pre-bound to it (claimRef);
 * a Released PV that we provisioned is deleted (reclaimPolicy Delete is the provisioner's job).
 */
import { ApiException, CoreV1Api, KubernetesObjectApi, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { statePaths } from './config.js';
import { loadKubeConfig, type Manifest } from './kube.js';
import { PROVISIONER_NAME, STORAGE_CLASS } from './storage.js';

const paths = statePaths();
const kc = loadKubeConfig(paths.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const objects = KubernetesObjectApi.makeApiClient(kc);
// Nothing to flush: every step is an idempotent API call that the next start repeats.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

function volumeFor(pvc: V1PersistentVolumeClaim): Manifest {
  const ns = pvc.metadata?.namespace ?? 'default';
  const name = pvc.metadata?.name ?? '';
  const dir = join(paths.volumes, `${ns}-${name}`);
  mkdirSync(dir, { recursive: true });
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: `pvc-${pvc.metadata?.uid ?? name}`,
      annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER_NAME },
    },
    spec: {
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: STORAGE_CLASS,
      volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      hostPath: { path: dir, type: 'DirectoryOrCreate' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name, uid: pvc.metadata?.uid ?? '' },
    },
  };
}

async function reconcile(): Promise<void> {
  const claims = await core.listPersistentVolumeClaimForAllNamespaces();
  for (const pvc of claims.items) {
    if (pvc.status?.phase !== 'Pending' || pvc.spec?.volumeName || pvc.spec?.storageClassName !== STORAGE_CLASS)
      continue;
    const pv = volumeFor(pvc);
    try {
      await objects.create(pv);
      console.log(`provisioned ${pv.metadata.name} for ${pvc.metadata?.namespace ?? ''}/${pvc.metadata?.name ?? ''}`);
    } catch (e) {
      // 409: made in an earlier pass, the PV controller has not bound it yet.
      if (!(e instanceof ApiException && e.code === 409)) console.error(`create PV failed: ${String(e)}`);
    }
  }
  const volumes = await core.listPersistentVolume();
  for (const pv of volumes.items) {
    if (
      pv.status?.phase !== 'Released' ||
      pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] !== PROVISIONER_NAME
    )
      continue;
    await core.deletePersistentVolume({ name: pv.metadata.name ?? '' });
    if (pv.spec?.hostPath?.path.startsWith(paths.volumes))
      rmSync(pv.spec.hostPath.path, { recursive: true, force: true });
    console.log(`deleted released ${pv.metadata.name ?? ''}`);
  }
}

console.log(`provisioner ${PROVISIONER_NAME} for StorageClass ${STORAGE_CLASS} running`);
for (;;) {
  try {
    await reconcile();
  } catch (e) {
    console.error(`reconcile failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  await sleep(1500);
}
