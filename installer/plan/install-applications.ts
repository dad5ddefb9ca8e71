/**
 * Which Applications and objects belong to this install, as Argo CD records it. Pure; status and
 * uninstall both decide with it, so they always speak of the same set.
 */
import {
  ANNOTATION_SYNC_WAVE,
  ANNOTATION_TRACKING_ID,
  ARGOCD_NAMESPACE,
  LABEL_MANAGED_BY,
  ROOT_APP_NAME,
  TOOL,
} from '../core/constants.js';
import type { KubeObject } from '../systems/kube.js';

/**
 * The Argo CD Application (in Argo CD's namespace) that manages an object, from the tracking
 * annotation Argo CD v3 writes by default. The `app.kubernetes.io/instance` label is deliberately not
 * used: upstream manifests and Helm set it too, so it does not prove Argo CD created the object.
 */
export function trackedBy(o: KubeObject): string | undefined {
  const id = o.metadata?.annotations?.[ANNOTATION_TRACKING_ID];
  if (id === undefined) return undefined;
  const app = id.split(':')[0] ?? '';
  // Applications in other namespaces are tracked as "<namespace>_<name>": never ours.
  return app.includes('_') ? undefined : app;
}

/**
 * An Application of this install: one kubeflow-gitops labelled (the root and the components), or one
 * the root deployed from the fork's kubeflow-apps/ (Applications a team added there). Only those in
 * Argo CD's namespace: the root cannot put Applications anywhere else.
 */
export function isInstallApplication(a: KubeObject): boolean {
  if (a.metadata?.namespace !== ARGOCD_NAMESPACE) return false;
  return a.metadata.labels?.[LABEL_MANAGED_BY] === TOOL || trackedBy(a) === ROOT_APP_NAME;
}

/** An Application's sync wave, undefined when it names none; a malformed one is 0, as Argo CD reads it. */
export function syncWave(a: KubeObject): number | undefined {
  const w = a.metadata?.annotations?.[ANNOTATION_SYNC_WAVE];
  return w === undefined ? undefined : Number.parseInt(w, 10) || 0;
}

/** Applications as the watch lists them: in the order Argo CD syncs them, wave then name. */
export function inWaveOrder(apps: readonly KubeObject[]): { name: string; wave: number }[] {
  return apps
    .map((a) => ({ name: a.metadata?.name ?? '', wave: syncWave(a) ?? 0 }))
    .sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
}
