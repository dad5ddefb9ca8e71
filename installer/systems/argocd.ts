/**
 * Argo CD as an outside system: whether its API is served, what it runs, and the few things the
 * installer asks of its Applications (list, refresh, detach, stop auto-sync). Every Application path
 * and patch is spelled here once; the rest of the installer calls these functions.
 */
import { crdServing } from '../core/crd-status.js';
import { DEFAULT_TRACKING, type ArgoTracking } from '../core/argocd-documents.js';
import {
  ANNOTATION_REFRESH,
  ANNOTATION_REFRESH_TIMESTAMP,
  ANNOTATION_SCHEMA_RELOAD,
  ARGOCD_API_VERSION,
  ARGOCD_NAMESPACE,
  IN_CLUSTER,
  LABEL_MANAGED_BY,
  LABEL_SECRET_TYPE,
  RESOURCES_FINALIZER,
  TOOL,
} from '../core/constants.js';
import { collectionPath, orAbsent, type Kube, type KubeObject, type ObjectRef } from './kube.js';

const APPLICATIONS = { apiVersion: ARGOCD_API_VERSION, resource: 'applications' } as const;
const CRDS = { apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions' } as const;

/** The ref of an Application in Argo CD's namespace. */
export const applicationRef = (name: string): ObjectRef => ({
  apiVersion: ARGOCD_API_VERSION,
  kind: 'Application',
  namespace: ARGOCD_NAMESPACE,
  name,
});

/** REST path of the Applications in a namespace (Argo CD's by default), for the watches that follow them. */
export const applicationsPath = (namespace: string = ARGOCD_NAMESPACE): string =>
  collectionPath(APPLICATIONS, namespace);
export const APPLICATIONS_PATH = applicationsPath();

/** Whether the cluster serves Argo CD's API (its CRDs are installed). */
export function argoCdServed(kube: Kube): Promise<boolean> {
  return kube.served(ARGOCD_API_VERSION);
}

/**
 * The Applications in Argo CD's namespace, or with `allNamespaces` every one in the cluster (apps in
 * any namespace); none when Argo CD's CRDs are not there.
 */
export async function listApplications(kube: Kube, opts: { allNamespaces?: boolean } = {}): Promise<KubeObject[]> {
  return kube
    .list(APPLICATIONS, { namespace: opts.allNamespaces === true ? undefined : ARGOCD_NAMESPACE })
    .catch(orAbsent([]));
}

/**
 * Asks Argo CD to compare with git now instead of at its next poll; an Application not there yet is no
 * error. The timestamp makes every request a change of the Application: v3.6+ takes the refresh off
 * only when the timestamp is still the one it started with, so a request made while it compares is not
 * lost with the earlier one; older lines ignore the timestamp (and leave it), and compare again on any change.
 */
export async function refreshApplication(kube: Kube, name: string): Promise<void> {
  const annotations = { [ANNOTATION_REFRESH]: 'normal', [ANNOTATION_REFRESH_TIMESTAMP]: new Date().toISOString() };
  await kube.mergePatch(applicationRef(name), { metadata: { annotations } }).catch(orAbsent(undefined));
}

/**
 * Makes Argo CD reload the API schema its cluster cache compares with, when it lacks a kind the API
 * server serves (watch/assess-application.ts, schemaLackingOf). gitops-engine reloads that schema on
 * every CRD event and on nothing else Argo CD exposes without its API server, so this puts an
 * annotation on the CRD serving the kind and takes it off again: two events, nothing left on the CRD.
 * Returns false, touching nothing, when no Established CRD serves the kind (Argo CD is then right).
 */
export async function reloadArgoSchema(
  kube: Kube,
  gvk: { readonly group: string; readonly version: string; readonly kind: string },
): Promise<boolean> {
  const crd = crdServing(await kube.list(CRDS), gvk);
  const name = crd?.metadata?.name;
  if (name === undefined) return false;
  const ref = { apiVersion: CRDS.apiVersion, kind: 'CustomResourceDefinition', name };
  const mark = (value: string | null) =>
    kube.mergePatch(ref, { metadata: { annotations: { [ANNOTATION_SCHEMA_RELOAD]: value } } });
  await mark(new Date().toISOString());
  await mark(null);
  return true;
}

/**
 * Refreshes the named Applications and returns once Argo CD has compared each again (its controller
 * takes the refresh annotation off when it stores that comparison), or after `timeoutMs`: whatever the
 * caller reads next reflects the cluster as it is now, not a comparison from before a change.
 */
export async function refreshAndAwaitCompare(
  kube: Kube,
  names: readonly string[],
  opts: { timeoutMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): Promise<void> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (opts.timeoutMs ?? 60_000);
  await Promise.all(names.map((n) => refreshApplication(kube, n)));
  const wanted = new Set(names);
  while (now() < deadline) {
    const pending = (await listApplications(kube)).filter(
      (a) => wanted.has(a.metadata?.name ?? '') && a.metadata?.annotations?.[ANNOTATION_REFRESH] !== undefined,
    );
    if (pending.length === 0) return;
    await sleep(500);
  }
}

/** Takes an Application's finalizers off, so deleting it deletes nothing it deployed. */
export async function detachApplication(kube: Kube, name: string): Promise<void> {
  await kube.mergePatch(applicationRef(name), { metadata: { finalizers: null } }).catch(orAbsent(undefined));
}

/**
 * Before deleting an Application so that it cascades: auto-sync off (nothing re-creates what goes),
 * the resources finalizer on, and a pending operation dropped. Argo CD finalizes a deletion only
 * when no operation is pending, and a sync that keeps failing (say, a broken commit) stays pending
 * through all its retries. An Application already being deleted with nothing pending is left as is.
 */
export async function stopAutoSync(kube: Kube, app: KubeObject): Promise<void> {
  const patch = cascadePatch(app);
  if (patch !== undefined)
    await kube.mergePatch(applicationRef(app.metadata?.name ?? ''), patch).catch(orAbsent(undefined));
}

export function cascadePatch(app: KubeObject): object | undefined {
  const finalizers = (app.metadata?.['finalizers'] as string[] | undefined) ?? [];
  const deleting = app.metadata?.['deletionTimestamp'] !== undefined;
  const pending = app['operation'] !== undefined && app['operation'] !== null;
  if (deleting && !pending) return undefined;
  return {
    // An object being deleted takes no new finalizers.
    ...(deleting
      ? {}
      : {
          metadata: {
            finalizers: finalizers.includes(RESOURCES_FINALIZER) ? finalizers : [...finalizers, RESOURCES_FINALIZER],
          },
        }),
    spec: { syncPolicy: { automated: null } },
    ...(pending ? { operation: null } : {}),
  };
}

const APP_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';
const PERSIST_KEY = 'controller.resource.health.persist';

/** The keys kubeflow-gitops adds to an adopted Argo CD's config (--configure-argocd). */
export const ARGOCD_CONFIG_KEYS = {
  appHealth: APP_HEALTH_KEY,
  crdHealth: 'resource.customizations.health.apiextensions.k8s.io_CustomResourceDefinition',
  persistHealth: PERSIST_KEY,
} as const;

export interface ArgoCdFacts {
  readonly present: boolean;
  /** Absent as an API (no argoproj.io CRDs) yet its namespace holds Argo CD's config or workloads. */
  readonly incomplete?: string | undefined;
  /** From the application-controller's image, when it runs in the cluster. */
  readonly version?: string | undefined;
  /** Child Application health gates sync waves of the root. */
  readonly appHealthCheck: boolean;
  /** Resource health is kept in Application status. */
  readonly persistsHealth: boolean;
  /** How it marks what it manages (argocd-cm); absent when Argo CD is not there. */
  readonly tracking?: ArgoTracking | undefined;
}

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** What the cluster runs of Argo CD: served or not, a half-removed one, its version and our two settings. */
export async function detectArgoCd(kube: Kube): Promise<ArgoCdFacts> {
  if (!(await argoCdServed(kube))) {
    // Installing over a half-removed Argo CD would take over objects someone else manages.
    const leftovers = await Promise.all([
      kube
        .get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: 'argocd-cm' })
        .then((o) => (o ? 'ConfigMap argocd-cm' : undefined)),
      kube
        .get({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          namespace: ARGOCD_NAMESPACE,
          name: 'argocd-application-controller',
        })
        .then((o) => (o ? 'StatefulSet argocd-application-controller' : undefined)),
      kube
        .get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ARGOCD_NAMESPACE, name: 'argocd-server' })
        .then((o) => (o ? 'Deployment argocd-server' : undefined)),
    ]);
    const found = leftovers.filter((x) => x !== undefined);
    return {
      present: false,
      incomplete: found.length > 0 ? found.join(', ') : undefined,
      appHealthCheck: false,
      persistsHealth: false,
    };
  }
  const cm = await kube.get<ConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: ARGOCD_NAMESPACE,
    name: 'argocd-cm',
  });
  const params = await kube.get<ConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: ARGOCD_NAMESPACE,
    name: 'argocd-cmd-params-cm',
  });
  return {
    present: true,
    version: await controllerVersion(kube),
    appHealthCheck: Boolean(cm?.data?.[APP_HEALTH_KEY]),
    persistsHealth: params?.data?.[PERSIST_KEY] === 'true',
    tracking: {
      method: cm?.data?.['application.resourceTrackingMethod'] || DEFAULT_TRACKING.method,
      labelKey: cm?.data?.['application.instanceLabelKey'] || DEFAULT_TRACKING.labelKey,
      installationID: cm?.data?.installationID || undefined,
    },
  };
}

/** The application-controller's image tag (a StatefulSet, or a Deployment in older installs). */
async function controllerVersion(kube: Kube): Promise<string | undefined> {
  for (const kind of ['StatefulSet', 'Deployment']) {
    const w = await kube.get<KubeObject & { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }>({
      apiVersion: 'apps/v1',
      kind,
      namespace: ARGOCD_NAMESPACE,
      name: 'argocd-application-controller',
    });
    const image = w?.spec?.template?.spec?.containers?.[0]?.image;
    if (image) return image.split(':').pop();
  }
  return undefined;
}

/** The manager Argo CD's server-side apply writes as: applying as it lets its own later apply be a no-op. */
export const ARGOCD_SSA_MANAGER = 'argocd-controller';

const CLUSTER_SECRET_NAME = 'kubeflow-gitops-in-cluster';

interface Secret extends KubeObject {
  data?: Record<string, string>;
}

/**
 * Makes Argo CD's controller drop its cache of the in-cluster destination and rebuild it once (one
 * discovery, one OpenAPI load, one relist), as `argocd cluster invalidate-cache` does: the refresh
 * annotation on the cluster's Secret. Without a Secret for that destination one is created, as
 * Argo CD's own CLI would (labelled ours, so uninstall removes it).
 */
export async function invalidateClusterCache(kube: Kube, now: Date): Promise<'annotated' | 'created'> {
  const secrets = await kube.list<Secret>(
    { apiVersion: 'v1', resource: 'secrets' },
    { namespace: ARGOCD_NAMESPACE, labelSelector: `${LABEL_SECRET_TYPE}=cluster` },
  );
  const decode = (v: string | undefined) => (v === undefined ? '' : Buffer.from(v, 'base64').toString('utf8'));
  const existing = secrets.find((s) => decode(s.data?.server).replace(/\/+$/, '') === IN_CLUSTER);
  let outcome: 'annotated' | 'created' = 'annotated';
  let name = existing?.metadata?.name;
  if (name === undefined) {
    name = CLUSTER_SECRET_NAME;
    await kube.createIfAbsent({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace: ARGOCD_NAMESPACE,
        labels: { [LABEL_SECRET_TYPE]: 'cluster', [LABEL_MANAGED_BY]: TOOL },
      },
      stringData: { name: 'in-cluster', server: IN_CLUSTER, config: '{"tlsClientConfig":{"insecure":false}}' },
    });
    outcome = 'created';
  }
  // A separate change after the create: Argo CD acts on the refresh annotation only in an update event.
  await kube.mergePatch(
    { apiVersion: 'v1', kind: 'Secret', namespace: ARGOCD_NAMESPACE, name },
    { metadata: { annotations: { [ANNOTATION_REFRESH]: refreshStamp(now) } } },
  );
  return outcome;
}

/**
 * Argo CD reads the stamp to the second and rebuilds only when its last sync is before it: rounded up,
 * so a cache synced earlier in the same second is rebuilt too.
 */
export function refreshStamp(now: Date): string {
  return new Date(Math.ceil(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
