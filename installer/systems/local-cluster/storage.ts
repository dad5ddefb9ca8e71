/** The local cluster's default StorageClass, served by provisioner-main.ts. */
import type { Manifest } from './kube.js';

export const STORAGE_CLASS = 'local-hostpath';
export const PROVISIONER_NAME = 'kubeflow-gitops.local/hostpath';

export function storageClass(): Manifest {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: STORAGE_CLASS,
      // Default, so Kubeflow's PVCs without storageClassName get it from the DefaultStorageClass admission plugin.
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    // Immediate: claims bind before any pod exists, the way most Kubeflow docs assume.
    volumeBindingMode: 'Immediate',
    reclaimPolicy: 'Delete',
    provisioner: PROVISIONER_NAME,
  };
}
