/**
 * Small Kubernetes helpers shared by `up` and the cluster tests: server-side apply of rendered YAML
 * through @kubernetes/client-node (the same mechanism the installer uses) and CRD readiness.
 */
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1APIResource,
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
  constructor(
    readonly object: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`server-side apply of ${object} failed${status ? ` (${status})` : ''}: ${detail}`);
  }
}

export function describeObject(o: Manifest): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata.name}`;
}

/**
 * Server-side applies each object (force, one field manager); retries briefly while a CRD's API appears.
 *
 * Non-core groups go through CustomObjectsApi, whose body is sent untouched. KubernetesObjectApi.patch
 * re-serializes the body through client-node's typed models, which expect the models' property names:
 * wire names such as `x-kubernetes-int-or-string` or `x-kubernetes-preserve-unknown-fields` in a CRD
 * schema are silently dropped (Istio's CRDs then fail validation with 422). Core v1 kinds have no such
 * names, so they keep the generic client.
 */
export async function serverSideApply(kc: KubeConfig, objects: Manifest[], fieldManager: string): Promise<void> {
  const discovery = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  for (const obj of objects) {
    for (let attempt = 0; ; attempt++) {
      try {
        await applyOne(discovery, custom, obj, fieldManager, ssa);
        break;
      } catch (e) {
        const status = e instanceof ApiException ? e.code : undefined;
        const notServedYet = status === 404 || e instanceof NotServedError;
        if (notServedYet && attempt < 30) {
          await sleep(1000);
          continue;
        }
        const detail = e instanceof ApiException ? String(e.body) : e instanceof Error ? e.message : String(e);
        throw new ApplyError(describeObject(obj), status, detail);
      }
    }
  }
}

const discoveryCache = new Map<string, V1APIResource[]>();

class NotServedError extends Error {
  override name = 'NotServedError';
}

async function applyOne(
  discovery: KubernetesObjectApi,
  custom: CustomObjectsApi,
  obj: Manifest,
  fieldManager: string,
  ssa: ReturnType<typeof setHeaderOptions>,
): Promise<void> {
  if (!obj.apiVersion.includes('/')) {
    // The client mutates its argument (defaults namespace), so hand it a copy.
    const copy: KubernetesObject = structuredClone(obj);
    await discovery.patch(copy, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    return;
  }
  const [group = '', version = ''] = obj.apiVersion.split('/');
  const find = async () =>
    (await custom.getAPIResources({ group, version })).resources.find(
      (r) => r.kind === obj.kind && !r.name.includes('/'),
    );
  // Discovery is cached per group/version, refreshed when a kind is missing (its CRD may be new).
  let resource = discoveryCache.get(obj.apiVersion)?.find((r) => r.kind === obj.kind);
  if (!resource) {
    resource = await find();
    const list = discoveryCache.get(obj.apiVersion) ?? [];
    if (resource) discoveryCache.set(obj.apiVersion, [...list, resource]);
  }
  if (!resource) throw new NotServedError(`${obj.apiVersion} ${obj.kind} is not served`);
  const common = {
    group,
    version,
    plural: resource.name,
    name: obj.metadata.name,
    body: obj,
    fieldManager,
    force: true,
  };
  if (resource.namespaced) {
    await custom.patchNamespacedCustomObject({ ...common, namespace: obj.metadata.namespace ?? 'default' }, ssa);
  } else {
    await custom.patchClusterCustomObject(common, ssa);
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
    if (Date.now() > deadline)
      throw new Error(`CRDs not Established after ${timeoutMs / 1000}s: ${[...pending].join(', ')}`);
    await sleep(500);
  }
}

/** Applies CRDs first, waits for them, then everything else: the order `kubectl apply` cannot guarantee. */
export async function applyInOrder(kc: KubeConfig, objects: Manifest[], fieldManager: string): Promise<void> {
  const crds = objects.filter(isCrd);
  await serverSideApply(kc, crds, fieldManager);
  await waitCrdsEstablished(
    kc,
    crds.map((c) => c.metadata.name),
  );
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  await serverSideApply(kc, namespaces, fieldManager);
  await serverSideApply(
    kc,
    objects.filter((o) => !isCrd(o) && o.kind !== 'Namespace'),
    fieldManager,
  );
}

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'argocd']);

/**
 * Deletes what an apply created so the shared cluster is clean for the next test: objects one by one
 * (404 is fine), then the namespaces, waiting until they are gone so a re-apply does not hit
 * "namespace is being terminated".
 */
export async function deleteObjects(kc: KubeConfig, objects: Manifest[], timeoutMs = 300_000): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const namespaces = objects.filter((o) => o.kind === 'Namespace' && !SYSTEM_NAMESPACES.has(o.metadata.name));
  const del = async (o: Manifest) => {
    try {
      const copy: KubernetesObject = structuredClone(o);
      await client.delete(copy, undefined, undefined, undefined, undefined, 'Background');
    } catch (e) {
      const gone =
        (e instanceof ApiException && e.code === 404) ||
        (e instanceof Error && e.message.startsWith('Unrecognized API version and kind'));
      if (!gone) throw e;
    }
  };
  // Reverse of the apply order: custom resources go before their CRDs.
  for (const o of [...objects].reverse()) if (o.kind !== 'Namespace') await del(o);
  for (const ns of namespaces) await del(ns);
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  for (const ns of namespaces) {
    for (;;) {
      try {
        await core.readNamespace({ name: ns.metadata.name });
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) break;
        throw e;
      }
      if (Date.now() > deadline)
        throw new Error(`namespace ${ns.metadata.name} still terminating after ${timeoutMs / 1000}s`);
      await sleep(1000);
    }
  }
  // The ClusterRole aggregation controller re-creates an aggregated ClusterRole deleted before the
  // roles that feed it: once they are all gone, delete any it brought back.
  await sleep(2000);
  for (const o of objects)
    if (o.kind === 'ClusterRole' && (o as { aggregationRule?: unknown }).aggregationRule !== undefined) await del(o);
}
