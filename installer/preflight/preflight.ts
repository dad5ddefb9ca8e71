/**
 * Preflight (`doctor`, and the first step of install/apply): every check runs and every problem is
 * reported at once, each with a fix. Reads only; nothing in the cluster changes.
 */
import { kubernetesFit } from '../catalogue/kubernetes-version.js';
import { releaseLabel, type Release } from '../catalogue/releases.js';
import { requestsOf } from '../catalogue/requests.js';
import type { Footprint, Target } from '../catalogue/targets.js';
import { ARGOCD_NAMESPACE, ARGOCD_VERSION } from '../core/constants.js';
import { detectArgoCd, type ArgoCdFacts } from '../systems/argocd.js';
import { KubeApiError, type Kube, type KubeObject, type ServerVersion } from '../systems/kube.js';
import { judgeArgoCdVersion } from './argocd-version.js';
import { detectTarget, type NodeFacts } from './detect-target.js';

export interface Check {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly fix?: string | undefined;
}

export interface PreflightInputs {
  readonly release: Release;
  readonly target: Target;
  readonly footprint: Footprint;
  readonly components: readonly string[];
}

export interface PreflightResult {
  readonly checks: readonly Check[];
  readonly ok: boolean;
  readonly argocd?: ArgoCdFacts | undefined;
  readonly detectedTarget?: Target | undefined;
}

interface AccessNeed {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

const NEEDS: readonly AccessNeed[] = [
  { verb: 'patch', group: 'argoproj.io', resource: 'applications', namespace: ARGOCD_NAMESPACE },
  { verb: 'watch', group: 'argoproj.io', resource: 'applications', namespace: ARGOCD_NAMESPACE },
  { verb: 'create', group: '', resource: 'secrets', namespace: ARGOCD_NAMESPACE },
  { verb: 'create', group: '', resource: 'namespaces' },
  { verb: 'create', group: '', resource: 'secrets', namespace: 'auth' },
  { verb: 'create', group: '', resource: 'secrets', namespace: 'oauth2-proxy' },
];
const INSTALL_NEEDS: readonly AccessNeed[] = [
  { verb: 'create', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  { verb: 'create', group: 'apps', resource: 'deployments', namespace: ARGOCD_NAMESPACE },
];

export async function preflightChecks(kube: Kube, inputs: PreflightInputs): Promise<PreflightResult> {
  const checks: Check[] = [];
  const where = `context "${kube.target.context}" (${kube.target.server})`;
  let version: ServerVersion;
  try {
    version = await kube.version();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    checks.push({
      name: 'api',
      status: 'fail',
      message: `the API server of ${where} cannot be reached: ${message}`,
      fix: 'check --kubeconfig/--context, the VPN or the cluster',
    });
    return { checks, ok: false };
  }
  checks.push({ name: 'api', status: 'ok', message: `${where} answers, Kubernetes ${version.gitVersion ?? '?'}` });

  const k8s = kubernetesFit(inputs.release, version);
  const kubeflow = `Kubeflow ${releaseLabel(inputs.release)}`;
  checks.push(
    k8s.fit === 'ok'
      ? {
          name: 'kubernetes-version',
          status: 'ok',
          message: `Kubernetes ${k8s.server} is supported by ${kubeflow} (${k8s.min}+, upstream tests ${k8s.tested})`,
        }
      : k8s.fit === 'too-old'
        ? {
            name: 'kubernetes-version',
            status: 'fail',
            message: `Kubernetes ${k8s.server} is older than ${kubeflow} supports (${k8s.min}+)`,
            fix: `upgrade the cluster to Kubernetes ${k8s.min} or newer, or choose an older --release`,
          }
        : {
            name: 'kubernetes-version',
            status: 'warn',
            message: `the API server reports no readable version (${version.gitVersion ?? 'none'}); ${kubeflow} needs Kubernetes ${k8s.min}+`,
          },
  );

  let argocd: ArgoCdFacts | undefined;
  try {
    argocd = await detectArgoCd(kube);
    checks.push(argoCdCheck(argocd));
    if (argocd.present) checks.push({ name: 'argocd-version', ...judgeArgoCdVersion(argocd.version) });
  } catch (err) {
    checks.push(failFrom('argocd', err, 'check that you may read the argoproj.io API group'));
  }

  const needs = [...NEEDS, ...(argocd?.present === false ? INSTALL_NEEDS : [])];
  const denied: string[] = [];
  for (const n of needs) {
    try {
      const r = await kube.create<KubeObject & { status?: { allowed?: boolean } }>({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            verb: n.verb,
            group: n.group,
            resource: n.resource,
            ...(n.namespace ? { namespace: n.namespace } : {}),
          },
        },
      });
      if (r.status?.allowed !== true)
        denied.push(`${n.verb} ${n.resource}${n.group ? `.${n.group}` : ''}${n.namespace ? ` in ${n.namespace}` : ''}`);
    } catch (err) {
      denied.push(`${n.verb} ${n.resource} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  checks.push(
    denied.length === 0
      ? {
          name: 'permissions',
          status: 'ok',
          message: `allowed to do everything install needs (${needs.length} checks)`,
        }
      : {
          name: 'permissions',
          status: 'fail',
          message: `not allowed to: ${denied.join('; ')}`,
          fix: 'use a context with cluster-admin, or have these verbs granted',
        },
  );

  let nodes: NodeFacts[] = [];
  try {
    nodes = await readNodes(kube);
  } catch (err) {
    checks.push(failFrom('nodes', err, 'grant list on nodes, or skip this check by running doctor with more rights'));
  }
  const detectedTarget = nodes.length > 0 ? detectTarget(nodes) : undefined;
  if (nodes.length > 0) {
    const want = requestsOf(inputs.components, inputs.footprint, inputs.release);
    const cpu = nodes.reduce((a, n) => a + n.cpuMillis, 0);
    const mem = nodes.reduce((a, n) => a + n.memoryMiB, 0);
    const fits = want.cpuMillis <= cpu && want.memoryMiB <= mem;
    checks.push({
      name: 'capacity',
      status: fits ? 'ok' : 'fail',
      message: `the selection requests ${(want.cpuMillis / 1000).toFixed(1)} CPU and ${(want.memoryMiB / 1024).toFixed(1)} GiB; the ${nodes.length} node(s) can allocate ${(cpu / 1000).toFixed(1)} CPU and ${(mem / 1024).toFixed(1)} GiB`,
      fix: fits ? undefined : 'add nodes, choose fewer --components, or use --footprint small',
    });
    const arm = nodes.filter((n) => n.arch === 'arm64').map((n) => n.name);
    if (arm.length > 0)
      checks.push({
        name: 'arch',
        status: 'warn',
        message: `arm64 nodes (${arm.join(', ')}): several Kubeflow images are amd64 only (kubeflow/manifests#2745)`,
        fix: 'schedule Kubeflow on amd64 nodes',
      });
    if (detectedTarget !== undefined && detectedTarget !== inputs.target && inputs.target !== 'generic') {
      checks.push({
        name: 'target',
        status: 'warn',
        message: `the cluster looks like ${detectedTarget}, but --target is ${inputs.target}`,
        fix: `pass --target ${detectedTarget} unless you know better`,
      });
    } else {
      checks.push({
        name: 'target',
        status: 'ok',
        message: `cluster type: ${detectedTarget ?? 'unknown'}; overlays for ${inputs.target}`,
      });
    }
  }

  try {
    const classes = await kube.list({ apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses' });
    const def = classes.find(
      (s) => s.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    );
    checks.push(
      def
        ? { name: 'storage', status: 'ok', message: `default StorageClass ${def.metadata?.name ?? ''}` }
        : {
            name: 'storage',
            status: 'fail',
            message:
              'no default StorageClass: Pipelines, Katib and the user profile create PersistentVolumeClaims that would stay Pending',
            fix: 'mark a StorageClass default (annotation storageclass.kubernetes.io/is-default-class: "true")',
          },
    );
  } catch (err) {
    checks.push(failFrom('storage', err, 'grant list on storageclasses'));
  }
  return { checks, ok: checks.every((c) => c.status !== 'fail'), argocd, detectedTarget };
}

/** Every node with what preflight and the wizard need: labels for the cluster type, allocatable capacity. */
export async function readNodes(kube: Kube): Promise<NodeFacts[]> {
  const nodes = await kube.list<
    KubeObject & {
      spec?: { providerID?: string };
      status?: { allocatable?: Record<string, string>; nodeInfo?: { architecture?: string } };
    }
  >({ apiVersion: 'v1', resource: 'nodes' });
  return nodes.map((n) => ({
    name: n.metadata?.name ?? '',
    labels: n.metadata?.labels ?? {},
    annotations: n.metadata?.annotations ?? {},
    providerID: n.spec?.providerID ?? '',
    arch: n.status?.nodeInfo?.architecture ?? n.metadata?.labels?.['kubernetes.io/arch'] ?? '',
    cpuMillis: parseCpu(n.status?.allocatable?.cpu),
    memoryMiB: parseMemMiB(n.status?.allocatable?.memory),
  }));
}

/** What the cluster's Argo CD means for the install: adopted, installed from the fork, or in the way. */
function argoCdCheck(argocd: ArgoCdFacts): Check {
  if (argocd.incomplete !== undefined)
    return {
      name: 'argocd',
      status: 'fail',
      message: `Argo CD is incomplete: the argoproj.io CRDs are missing, but namespace ${ARGOCD_NAMESPACE} has ${argocd.incomplete}`,
      fix: `restore its CRDs (kubectl apply --server-side -k "https://github.com/argoproj/argo-cd/manifests/crds?ref=<its version>") to adopt it, or delete namespace ${ARGOCD_NAMESPACE} so kubeflow-gitops installs Argo CD`,
    };
  if (!argocd.present)
    return {
      name: 'argocd',
      status: 'ok',
      message: `Argo CD is absent; ${ARGOCD_VERSION} will be installed from the fork`,
    };
  const version = argocd.version
    ? ` (${argocd.version})`
    : ' (its controller runs outside the cluster or under another name)';
  const healthNote = argocd.appHealthCheck
    ? ''
    : '. It has no Application health check, so sync waves do not wait for child health; the installer still waits for each component (--configure-argocd adds it)';
  return { name: 'argocd', status: 'ok', message: `Argo CD is present${version}; it will be adopted${healthNote}` };
}

function failFrom(name: string, err: unknown, fix: string): Check {
  const msg =
    err instanceof KubeApiError ? `${err.reason}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return { name, status: 'fail', message: msg, fix };
}

/** A Kubernetes quantity (e.g. 500m, 1k, 2Gi, 1.5) in base units. */
export function parseQuantity(v: string | undefined): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(?:e(\d+))?([numkMGTPE]|[KMGTPE]i)?$/.exec(v ?? '');
  if (!m) return 0;
  const factor: Record<string, number> = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  return Number.parseFloat(m[1] ?? '0') * 10 ** Number.parseInt(m[2] ?? '0', 10) * (m[3] ? (factor[m[3]] ?? 1) : 1);
}

function parseCpu(v: string | undefined): number {
  return Math.round(parseQuantity(v) * 1000);
}

function parseMemMiB(v: string | undefined): number {
  return parseQuantity(v) / 2 ** 20;
}
