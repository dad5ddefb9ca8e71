/**
 * Small Kubernetes helpers shared by `up` and the cluster tests: server-side apply of rendered YAML
 * through @kubernetes/client-node (the same mechanism the installer uses) and CRD readiness.
 */
import {
  ApiException, ApiextensionsV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject,
} from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';

export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/**
 * A manifest as plain data. client-node's model classes are not meant to be built from literals, so
 * everything here stays plain JSON and crosses into the client only in serverSideApply.
 */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is Manifest => typeof o === 'object' && o !== null && 'kind' in o && 'metadata' in o);
}

export const isCrd = (o: Manifest): boolean => o.kind === 'CustomResourceDefinition';

export class ApplyError extends Error {
  override name = 'ApplyError';
  constructor(readonly object: string, readonly status: number | undefined, detail: string) {
    super(`server-side apply of ${object} failed${status ? ` (${status})` : ''}: ${detail}`);
  }
}

export function describeObject(o: Manifest): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata.name}`;
}

/** Server-side applies each object (force, one field manager); retries briefly while a CRD's API appears. */
export async function serverSideApply(kc: KubeConfig, objects: Manifest[], fieldManager: string): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const obj of objects) {
    // The client mutates its argument (defaults namespace), so hand it a copy.
    const body = structuredClone(obj) as KubernetesObject;
    for (let attempt = 0; ; attempt++) {
      try {
        await client.patch(body, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
        break;
      } catch (e) {
        const status = e instanceof ApiException ? e.code : undefined;
        const notServedYet = status === 404 || (e instanceof Error && e.message.startsWith('Unrecognized API version and kind'));
        if (notServedYet && attempt < 30) { await sleep(1000); continue; }
        const detail = e instanceof ApiException ? String(e.body) : e instanceof Error ? e.message : String(e);
        throw new ApplyError(describeObject(obj), status, detail);
      }
    }
  }
}

/** Waits until every named CRD reports Established=True. */
export async function waitCrdsEstablished(kc: KubeConfig, names: string[], timeoutMs = 120_000): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(names);
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(name);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`CRDs not Established after ${timeoutMs / 1000}s: ${[...pending].join(', ')}`);
    await sleep(500);
  }
}

/** Applies CRDs first, waits for them, then everything else: the order `kubectl apply` cannot guarantee. */
export async function applyInOrder(kc: KubeConfig, objects: Manifest[], fieldManager: string): Promise<void> {
  const crds = objects.filter(isCrd);
  await serverSideApply(kc, crds, fieldManager);
  await waitCrdsEstablished(kc, crds.map((c) => c.metadata.name));
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  await serverSideApply(kc, namespaces, fieldManager);
  await serverSideApply(kc, objects.filter((o) => !isCrd(o) && o.kind !== 'Namespace'), fieldManager);
}
