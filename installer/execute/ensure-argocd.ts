/**
 * Argo CD: adopt the one the cluster has (changing its configuration only with --configure-argocd),
 * or install the pinned version from the fork when there is none.
 */
import { ARGOCD_NAMESPACE } from '../constants.js';
import { ExternalError } from '../errors.js';
import { KubeApiError, type Kube, type KubeObject } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';

const APP_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';
const PERSIST_KEY = 'controller.resource.health.persist';

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
}

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export async function detectArgoCd(kube: Kube): Promise<ArgoCdFacts> {
  try {
    await kube.request('GET', '/apis/argoproj.io/v1alpha1');
  } catch (err) {
    if (!(err instanceof KubeApiError && err.code === 404)) throw err;
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
  let version: string | undefined;
  for (const kind of ['StatefulSet', 'Deployment']) {
    const w = await kube
      .get<KubeObject & { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }>({
        apiVersion: 'apps/v1',
        kind,
        namespace: ARGOCD_NAMESPACE,
        name: 'argocd-application-controller',
      })
      .catch(() => undefined);
    const image = w?.spec?.template?.spec?.containers?.[0]?.image;
    if (image) {
      version = image.split(':').pop();
      break;
    }
  }
  return {
    present: true,
    version,
    appHealthCheck: Boolean(cm?.data?.[APP_HEALTH_KEY]),
    persistsHealth: params?.data?.[PERSIST_KEY] === 'true',
  };
}

/** Adds only the installer's keys to Argo CD's config (server-side apply owns just those fields). */
export async function configureArgoCd(kube: Kube, appHealthLua: string): Promise<void> {
  await kube.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE },
    data: { [APP_HEALTH_KEY]: appHealthLua },
  });
  await kube.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cmd-params-cm', namespace: ARGOCD_NAMESPACE },
    data: { [PERSIST_KEY]: 'true' },
  });
}

/** The Application health check shipped in the fork's Argo CD overlay. */
export function appHealthLuaFrom(objects: readonly KubeObject[]): string | undefined {
  const cm: ConfigMap | undefined = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'argocd-cm');
  return cm?.data?.[APP_HEALTH_KEY];
}

/** Installs Argo CD from rendered manifests: CRDs first (until Established), then the rest, then waits for its workloads. */
export async function installArgoCd(
  kube: Kube,
  objects: readonly KubeObject[],
  log: Logger,
  timeoutMs = 300_000,
): Promise<void> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const ns = objects.filter((o) => o.kind === 'Namespace');
  const rest = objects.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace');
  for (const o of [...ns, ...crds]) await kube.apply(o);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const got = await kube.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: crd.metadata?.name ?? '',
      });
      if (got?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new ExternalError(`CRD ${crd.metadata?.name ?? ''} was not Established in time`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  log.step(`applying ${rest.length} Argo CD objects`);
  for (const o of rest) await kube.apply(o);
}
