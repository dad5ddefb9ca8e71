/**
 * Reads what Argo CD would refuse a sync for (plan/argocd-policy.ts judges it): its AppProjects,
 * argocd-cm, its cluster Secrets (their name, server, project and namespaces; never credentials) and
 * where its application controller runs.
 */
import type { AppProject, ArgoCluster, ArgoPolicy } from '../core/argocd-documents.js';
import { ARGOCD_API_VERSION, ARGOCD_NAMESPACE, LABEL_SECRET_TYPE } from '../core/constants.js';
import type { Kube, KubeObject, ObjectRef } from './kube.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

interface Secret extends KubeObject {
  data?: Record<string, string>;
}

/**
 * What Argo CD would refuse, as documents (plan/argocd-policy.ts judges them): the AppProjects named,
 * `argocd-cm`, the cluster Secrets, and where the application controller runs with the
 * `application.namespaces` of its `argocd-cmd-params-cm`. Only a 404 means absent; any other error
 * is thrown, naming what could not be read.
 */
export async function readArgoPolicy(
  kube: Kube,
  projectNames: readonly string[],
  opts: { readonly installedNow?: boolean } = {},
): Promise<ArgoPolicy> {
  const read = <T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> =>
    kube.get<T>(ref).catch((err: unknown) => {
      throw new Error(
        `reading ${ref.kind} ${ref.namespace ?? ''}/${ref.name}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    });
  const projects = new Map<string, AppProject | undefined>();
  for (const name of new Set(projectNames))
    projects.set(
      name,
      await read<KubeObject & AppProject>({
        apiVersion: ARGOCD_API_VERSION,
        kind: 'AppProject',
        namespace: ARGOCD_NAMESPACE,
        name,
      }),
    );
  // An Argo CD installed by this run: argocd-server creates the project `default` when it starts
  // (server/server.go initializeDefaultProject), which may not have happened yet.
  if (opts.installedNow === true && projects.get('default') === undefined) projects.set('default', BUILT_IN_DEFAULT);
  const cm = await read<ConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: ARGOCD_NAMESPACE,
    name: 'argocd-cm',
  });
  const controllerNamespace = await findControllerNamespace(kube);
  const params =
    controllerNamespace === undefined
      ? undefined
      : await read<ConfigMap>({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: controllerNamespace,
          name: 'argocd-cmd-params-cm',
        });
  return {
    projects,
    cm: cm?.data ?? {},
    clusters: await clusterSecrets(kube),
    controllerNamespace,
    applicationNamespaces: params?.data?.['application.namespaces'],
  };
}

const CONTROLLER = 'argocd-application-controller';

const BUILT_IN_DEFAULT: AppProject = {
  metadata: { name: 'default' },
  spec: {
    sourceRepos: ['*'],
    destinations: [{ server: '*', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  },
};

/** Argo CD's own manifests run the controller as a StatefulSet (a Deployment in some installs), labelled with its name. */
async function findControllerNamespace(kube: Kube): Promise<string | undefined> {
  for (const kind of ['StatefulSet', 'Deployment'])
    if ((await kube.get({ apiVersion: 'apps/v1', kind, namespace: ARGOCD_NAMESPACE, name: CONTROLLER })) !== undefined)
      return ARGOCD_NAMESPACE;
  for (const resource of ['statefulsets', 'deployments']) {
    const found = await kube.list(
      { apiVersion: 'apps/v1', resource },
      { labelSelector: `app.kubernetes.io/name=${CONTROLLER}` },
    );
    const ns = found[0]?.metadata?.namespace;
    if (ns !== undefined) return ns;
  }
  return undefined;
}

/** util/db/cluster.go secretToCluster, for the fields a sync depends on. */
async function clusterSecrets(kube: Kube): Promise<ArgoCluster[]> {
  const secrets = await kube.list<Secret>(
    { apiVersion: 'v1', resource: 'secrets' },
    { namespace: ARGOCD_NAMESPACE, labelSelector: `${LABEL_SECRET_TYPE}=cluster` },
  );
  const decode = (v: string | undefined) => (v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8'));
  return secrets.map((s) => {
    const namespaces = decode(s.data?.namespaces);
    return {
      name: decode(s.data?.name) ?? '',
      server: (decode(s.data?.server) ?? '').replace(/\/+$/, ''),
      project: decode(s.data?.project) || undefined,
      namespaces: namespaces
        ? namespaces
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean)
        : undefined,
      clusterResources: decode(s.data?.clusterResources) === 'true',
    };
  });
}
