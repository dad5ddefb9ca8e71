/**
 * The install record's content: what this install found and changed, kept in the cluster it
 * describes (steps/ensure-install-record.ts reads and writes it). Pure, so plans can decide with it.
 */
import type { KubeObject } from '../systems/kube.js';

export const INSTALL_RECORD = 'kubeflow-gitops-install';

export interface InstallRecord {
  /** Namespaces that existed before the first install step. */
  readonly namespacesBefore: readonly string[];
  /** CRDs that existed before: Argo CD never deletes CRDs, so uninstall does, except these. */
  readonly crdsBefore: readonly string[];
  readonly argocd: 'installed' | 'adopted';
  /** The adopted Argo CD's config was given our keys (--configure-argocd). */
  readonly configuredArgocd: boolean;
  readonly createdAt: string;
  /**
   * When the API server stored the record (its creationTimestamp; `createdAt`, the installing
   * machine's clock, when absent): an object created before it existed before the install.
   */
  readonly recordedAt: string;
  /**
   * Components whose objects a first install applied itself ahead of their Applications (seeding):
   * their tracking ids name this install even when a run was stopped before the Application existed.
   */
  readonly seeded?: readonly string[] | undefined;
  /** CRDs the installer created ahead of their components (Argo CD lists them only once their Application exists). */
  readonly crdsCreated?: readonly string[] | undefined;
}

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export function parseInstallRecord(cm: ConfigMap | undefined): InstallRecord | undefined {
  const d = cm?.data;
  if (!d) return undefined;
  return {
    namespacesBefore: nameList(d.namespacesBefore),
    crdsBefore: nameList(d.crdsBefore),
    argocd: d.argocd === 'installed' ? 'installed' : 'adopted',
    configuredArgocd: d.configuredArgocd === 'true',
    createdAt: d.createdAt ?? '',
    recordedAt: (cm.metadata?.['creationTimestamp'] as string | undefined) ?? d.createdAt ?? '',
    seeded: d.seeded === undefined ? undefined : nameList(d.seeded).filter((n) => n !== '*'),
    crdsCreated: d.crdsCreated === undefined ? undefined : nameList(d.crdsCreated).filter((n) => n !== '*'),
  };
}

/** A JSON list of names; a hand-edited record must not make uninstall delete more, so unreadable means "keep all". */
function nameList(json: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(json ?? '["*"]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : ['*'];
  } catch {
    return ['*'];
  }
}
