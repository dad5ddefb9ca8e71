/**
 * The namespaces of a seeded component, as Argo CD makes them. With CreateNamespace=true and a
 * destination namespace the render does not hold, Argo CD creates it when absent and, when the
 * Application has managedNamespaceMetadata, applies those labels and annotations to it whether it
 * existed or not (controller/sync_namespace.go syncNamespace; gitops-engine sync_context.go
 * autoCreateNamespace), without a tracking id. Without the option it creates none, and a namespace
 * its objects go to must exist.
 */
import { ANNOTATION_SYNC_OPTIONS } from '../core/constants.js';
import type { KubeObject } from '../systems/kube.js';

export interface CreatedNamespace {
  readonly object: KubeObject;
  /** managedNamespaceMetadata: applied over an existing namespace too. */
  readonly evenIfPresent: boolean;
}

interface SyncPolicy {
  readonly syncOptions?: readonly string[] | undefined;
  readonly managedNamespaceMetadata?: {
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  } | null;
}

const groupOf = (apiVersion: string | undefined): string =>
  (apiVersion ?? '').includes('/') ? ((apiVersion ?? '').split('/')[0] ?? '') : '';

const SSA_OPTION = { [ANNOTATION_SYNC_OPTIONS]: 'ServerSideApply=true' };

export function createdNamespace(
  name: string,
  policy: SyncPolicy | undefined,
  objects: readonly KubeObject[],
): CreatedNamespace | undefined {
  if (!(policy?.syncOptions ?? []).includes('CreateNamespace=true')) return undefined;
  if (objects.some((o) => o.kind === 'Namespace' && groupOf(o.apiVersion) === '' && o.metadata?.name === name))
    return undefined;
  const managed = policy?.managedNamespaceMetadata ?? undefined;
  const metadata: KubeObject['metadata'] = { name };
  // sync_namespace.go: labels as given, annotations plus the sync option that makes it server-side.
  if (managed !== undefined) {
    if (managed.labels !== undefined) metadata.labels = { ...managed.labels };
    metadata.annotations = { ...(managed.annotations ?? {}), ...SSA_OPTION };
  }
  return { object: { apiVersion: 'v1', kind: 'Namespace', metadata }, evenIfPresent: managed !== undefined };
}

export function neededNamespaces(objects: readonly KubeObject[], created: CreatedNamespace | undefined): string[] {
  const made = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name ?? ''));
  if (created) made.add(created.object.metadata?.name ?? '');
  const used = objects.flatMap((o) => (o.kind !== 'Namespace' && o.metadata?.namespace ? [o.metadata.namespace] : []));
  return [...new Set(used)].filter((n) => !made.has(n)).sort();
}
