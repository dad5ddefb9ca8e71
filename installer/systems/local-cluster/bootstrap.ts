/**
 * Cluster objects `up` creates: credentials and kubeconfig, the simulated Node, the default
 * StorageClass, and Argo CD's CRDs + config straight from the argo-cd manifests of the version it runs
 * (the `manifests/` folder of the module its build downloaded, the same files as the tag).
 */
import { ApiException, CoreV1Api, CustomObjectsApi, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { argocdModuleDir } from './build.js';
import { GATEWAY_STAND_IN, type ArgocdVersion, type Ports, type StatePaths } from './config.js';
import { applyInOrder, parseManifests, serverSideApply, type Manifest } from './kube.js';
import { storageClass } from './storage.js';

export const FIELD_MANAGER = 'kubeflow-gitops-local-cluster';
export const NODE_NAME = 'kwok-node-0';

function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
}

/** Admin token (static token auth), service-account signing key and git token; kept across restarts. */
export function ensureCredentials(paths: StatePaths): { adminToken: string; gitToken: string } {
  for (const dir of [paths.root, paths.logs, paths.pids, paths.pki, paths.etcdData, paths.gitRoot, paths.volumes]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  for (const sub of ['tls', 'ssh', 'gpg/source', 'plugins', 'tmp'])
    mkdirSync(join(paths.argocd, sub), { recursive: true });
  mkdirSync(join(paths.argocd, 'gpg', 'keys'), { recursive: true, mode: 0o700 });
  if (!existsSync(paths.tokenCsv)) {
    writeSecret(
      paths.tokenCsv,
      `${randomBytes(24).toString('hex')},kubeflow-gitops-admin,kubeflow-gitops-admin,system:masters\n`,
    );
  }
  if (!existsSync(join(paths.pki, 'sa.key'))) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeSecret(join(paths.pki, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    writeFileSync(join(paths.pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }).toString());
  }
  if (!existsSync(paths.gitToken)) writeSecret(paths.gitToken, `${randomBytes(20).toString('hex')}\n`);
  return {
    adminToken: readFileSync(paths.tokenCsv, 'utf8').split(',')[0] ?? '',
    gitToken: readFileSync(paths.gitToken, 'utf8').trim(),
  };
}

/** kube-apiserver self-signs a CA + serving cert into --cert-dir on first start; trust exactly that. */
export function writeKubeconfig(paths: StatePaths, ports: Ports, adminToken: string): void {
  const ca = readFileSync(join(paths.pki, 'apiserver.crt'));
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kfg-local',
        cluster: {
          server: `https://127.0.0.1:${ports.apiserver}`,
          'certificate-authority-data': ca.toString('base64'),
        },
      },
    ],
    users: [{ name: 'kfg-admin', user: { token: adminToken } }],
    contexts: [{ name: 'kfg-local', context: { cluster: 'kfg-local', user: 'kfg-admin' } }],
    'current-context': 'kfg-local',
  };
  writeSecret(paths.kubeconfig, stringify(config));
}

function nodeObject(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE_NAME,
      // No NoSchedule taint (unlike kwok's docs): unmodified Deployments synced by Argo CD must land here.
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        'kubernetes.io/hostname': NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    // No status here: kwok's node-initialize stage fills capacity (1k CPU, 1Ti memory, 1M pods), which fits
    // every request in a full Kubeflow install.
  };
}

export async function ensureNodeAndStorage(kc: KubeConfig, ports: Ports): Promise<void> {
  await serverSideApply(kc, [nodeObject(), storageClass()], FIELD_MANAGER);
  await ensureNodeEndpoint(kc, ports);
}

/**
 * Where the apiserver reaches the node's "kubelet" (kwok's server) for pods/portforward, exec and
 * logs: status.addresses and daemonEndpoints. kwok fills them only while initializing a node that is
 * not Ready yet, so a node made before these flags (10.0.0.1, no port) would keep the old ones; set
 * them here, as kwok would, on every `up`. kwok's stages keep addresses that are there.
 */
async function ensureNodeEndpoint(kc: KubeConfig, ports: Ports): Promise<void> {
  const status = {
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: NODE_NAME },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: ports.kwok } },
  };
  await kc
    .makeApiClient(CoreV1Api)
    .patchNodeStatus(
      { name: NODE_NAME, body: { status } },
      setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
}

/**
 * kwok's port-forward rule (a ClusterPortForward in its --config): port-forwards to the gateway
 * stand-in pod go to 127.0.0.1:<ports.gatewayStandIn>. kwok reads it at start; `up` restarts kwok
 * when its flags change, and the file's path is one of them, its port part of the state's ports.
 */
export function writeKwokPortForward(paths: StatePaths, ports: Ports): void {
  const rule = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: GATEWAY_STAND_IN.pod },
    spec: {
      selector: { matchNamespaces: [GATEWAY_STAND_IN.namespace], matchNames: [GATEWAY_STAND_IN.pod] },
      forwards: [
        { ports: [GATEWAY_STAND_IN.containerPort], target: { address: '127.0.0.1', port: ports.gatewayStandIn } },
      ],
    },
  };
  writeFileSync(paths.kwokPortForward, stringify(rule));
}

function render(bin: string, dir: string): Manifest[] {
  return parseManifests(
    execFileSync(join(bin, 'kustomize'), ['build', dir], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
}

function defaultProject(): Manifest {
  // Only argocd-server creates this; we run no API server, so create what it would.
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'default', namespace: 'argocd' },
    spec: {
      sourceRepos: ['*'],
      destinations: [{ server: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
}

/**
 * For an Argo CD someone else installed (`up` with `argocd: 'processes'`): the default project, created
 * as argocd-server creates it at its start when there is none; one that exists is left as it is.
 */
export async function ensureDefaultProject(kc: KubeConfig): Promise<void> {
  const project = defaultProject();
  try {
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: project.metadata.namespace ?? 'argocd',
      plural: 'appprojects',
      body: project,
    });
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 409)) throw err;
  }
}

export async function bootstrapArgocd(kc: KubeConfig, bin: string, version: ArgocdVersion): Promise<void> {
  const src = argocdModuleDir(version);
  const ns: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } };
  const config = render(bin, join(src, 'manifests', 'base', 'config')).map((o): Manifest => ({
    ...o,
    metadata: { ...o.metadata, namespace: 'argocd' },
  }));
  const params = config.find((o) => o.metadata.name === 'argocd-cmd-params-cm');
  if (params)
    params.data = {
      ...(params.data as Record<string, string> | undefined),
      'controller.resource.health.persist': 'true',
    };
  await applyInOrder(kc, [ns, ...render(bin, join(src, 'manifests', 'crds')), ...config], FIELD_MANAGER);
  await serverSideApply(kc, [defaultProject(), ...hostedWorkloads(bin, src)], FIELD_MANAGER);
}

/**
 * The application-controller's StatefulSet and the repo-server's Deployment (with their accounts and
 * roles) exactly as Argo CD's cluster install has them, so the cluster looks like a real install to
 * whoever reads it (the installer reads the version from the controller's image). kwok runs their
 * pods; the processes themselves run on the host, started by `up`.
 */
function hostedWorkloads(bin: string, src: string): Manifest[] {
  const hosted = ['application-controller', 'repo-server'];
  return render(bin, join(src, 'manifests', 'cluster-install'))
    .filter((o) => hosted.includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? ''))
    .map((o) => (o.kind.startsWith('Cluster') ? o : { ...o, metadata: { ...o.metadata, namespace: 'argocd' } }));
}

/** Where Argo CD's manifests define each process we run, and its main container. */
const WORKLOADS: Record<string, string> = {
  'argocd-application-controller':
    'manifests/base/application-controller/argocd-application-controller-statefulset.yaml',
  'argocd-repo-server': 'manifests/base/repo-server/argocd-repo-server-deployment.yaml',
};

interface EnvVar {
  name: string;
  valueFrom?: { configMapKeyRef?: { name?: string; key?: string } };
}

/** The ConfigMaps Argo CD's workloads read settings from through env vars. */
const SETTINGS_CONFIGMAPS = ['argocd-cmd-params-cm', 'argocd-cm'];

/**
 * The environment a real install gives `process` from argocd-cmd-params-cm and argocd-cm: Argo CD's own
 * StatefulSet and Deployment map each key to an env var (configMapKeyRef, optional), so the mapping is
 * read from those manifests at the running tag and the values from the live ConfigMaps. A key changed
 * later takes effect when the process restarts, as after a rollout in a real cluster.
 */
export async function settingsEnv(
  kc: KubeConfig,
  version: ArgocdVersion,
  process: string,
): Promise<Record<string, string>> {
  const file = WORKLOADS[process];
  if (file === undefined) return {};
  const workload = parseManifests(readFileSync(join(argocdModuleDir(version), file), 'utf8'))[0];
  const spec = workload?.spec as { template?: { spec?: { containers?: { name: string; env?: EnvVar[] }[] } } };
  const container = spec.template?.spec?.containers?.find((c) => c.name === process);
  const core = kc.makeApiClient(CoreV1Api);
  const data: Record<string, Record<string, string> | undefined> = {};
  for (const name of SETTINGS_CONFIGMAPS) {
    data[name] = (await core.readNamespacedConfigMap({ name, namespace: 'argocd' }).catch(() => undefined))?.data;
  }
  const env: Record<string, string> = {};
  for (const e of container?.env ?? []) {
    const ref = e.valueFrom?.configMapKeyRef;
    const value = ref?.name !== undefined && ref.key !== undefined ? data[ref.name]?.[ref.key] : undefined;
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}
