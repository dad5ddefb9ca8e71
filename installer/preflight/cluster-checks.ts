/**
 * The preflight checks, one function each. Those that read the cluster take a Kube and never write
 * (a SelfSubjectAccessReview is a question, not a change); the rest judge what was read.
 */
import { kubernetesFit } from '../catalogue/kubernetes-version.js';
import { releaseLabel, type Release } from '../catalogue/releases.js';
import { requestsOf } from '../catalogue/requests.js';
import type { Target } from '../catalogue/targets.js';
import { ARGOCD_NAMESPACE, ARGOCD_VERSION } from '../core/constants.js';
import { detectArgoCd, type ArgoCdFacts } from '../systems/argocd.js';
import type { Kube, KubeObject, ServerVersion } from '../systems/kube.js';
import { judgeArgoCdVersion } from './argocd-version.js';
import { failFrom, type Check, type PreflightInputs } from './check.js';
import { detectTarget, type NodeFacts } from './detect-target.js';
import { readNodes } from './nodes.js';

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

/** The API server answers; without it no other check can run. */
export async function checkApi(kube: Kube): Promise<{ check: Check; version?: ServerVersion }> {
  const where = `context "${kube.target.context}" (${kube.target.server})`;
  try {
    const version = await kube.version();
    return {
      check: { name: 'api', status: 'ok', message: `${where} answers, Kubernetes ${version.gitVersion ?? '?'}` },
      version,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      check: {
        name: 'api',
        status: 'fail',
        message: `the API server of ${where} cannot be reached: ${message}`,
        fix: 'check --kubeconfig/--context, the VPN or the cluster',
      },
    };
  }
}

/** The release supports the cluster's Kubernetes. */
export function kubernetesVersionCheck(release: Release, version: ServerVersion): Check {
  const k8s = kubernetesFit(release, version);
  const kubeflow = `Kubeflow ${releaseLabel(release)}`;
  if (k8s.fit === 'ok')
    return {
      name: 'kubernetes-version',
      status: 'ok',
      message: `Kubernetes ${k8s.server} is supported by ${kubeflow} (${k8s.min}+, upstream tests ${k8s.tested})`,
    };
  if (k8s.fit === 'too-old')
    return {
      name: 'kubernetes-version',
      status: 'fail',
      message: `Kubernetes ${k8s.server} is older than ${kubeflow} supports (${k8s.min}+)`,
      fix: `upgrade the cluster to Kubernetes ${k8s.min} or newer, or choose an older --release`,
    };
  return {
    name: 'kubernetes-version',
    status: 'warn',
    message: `the API server reports no readable version (${version.gitVersion ?? 'none'}); ${kubeflow} needs Kubernetes ${k8s.min}+`,
  };
}

/** Argo CD: absent, adoptable (and of a supported version) or in the way. */
export async function checkArgoCd(kube: Kube): Promise<{ checks: Check[]; argocd?: ArgoCdFacts }> {
  try {
    const argocd = await detectArgoCd(kube);
    const checks = [argoCdCheck(argocd)];
    if (argocd.present) checks.push({ name: 'argocd-version', ...judgeArgoCdVersion(argocd.version) });
    return { checks, argocd };
  } catch (err) {
    return { checks: [failFrom('argocd', err, 'check that you may read the argoproj.io API group')] };
  }
}

/** The caller may do what install does (and install Argo CD, when it is absent). */
export async function checkPermissions(kube: Kube, installsArgoCd: boolean): Promise<Check> {
  const needs = [...NEEDS, ...(installsArgoCd ? INSTALL_NEEDS : [])];
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
  return denied.length === 0
    ? { name: 'permissions', status: 'ok', message: `allowed to do everything install needs (${needs.length} checks)` }
    : {
        name: 'permissions',
        status: 'fail',
        message: `not allowed to: ${denied.join('; ')}`,
        fix: 'use a context with cluster-admin, or have these verbs granted',
      };
}

/** The nodes: capacity for the selection, their architecture, and the cluster type they suggest. */
export async function checkNodes(
  kube: Kube,
  inputs: PreflightInputs,
): Promise<{ checks: Check[]; detectedTarget?: Target }> {
  let nodes: NodeFacts[];
  try {
    nodes = await readNodes(kube);
  } catch (err) {
    return {
      checks: [failFrom('nodes', err, 'grant list on nodes, or skip this check by running doctor with more rights')],
    };
  }
  if (nodes.length === 0) return { checks: [] };
  const detectedTarget = detectTarget(nodes);
  const arch = archCheck(nodes);
  return {
    checks: [capacityCheck(nodes, inputs), ...(arch ? [arch] : []), targetCheck(detectedTarget, inputs.target)],
    detectedTarget,
  };
}

/** The nodes can allocate what the selection requests. */
export function capacityCheck(nodes: readonly NodeFacts[], inputs: PreflightInputs): Check {
  const want = requestsOf(inputs.components, inputs.footprint, inputs.release);
  const cpu = nodes.reduce((a, n) => a + n.cpuMillis, 0);
  const mem = nodes.reduce((a, n) => a + n.memoryMiB, 0);
  const fits = want.cpuMillis <= cpu && want.memoryMiB <= mem;
  return {
    name: 'capacity',
    status: fits ? 'ok' : 'fail',
    message: `the selection requests ${(want.cpuMillis / 1000).toFixed(1)} CPU and ${(want.memoryMiB / 1024).toFixed(1)} GiB; the ${nodes.length} node(s) can allocate ${(cpu / 1000).toFixed(1)} CPU and ${(mem / 1024).toFixed(1)} GiB`,
    fix: fits ? undefined : 'add nodes, choose fewer --components, or use --footprint small',
  };
}

/** A warning when some nodes are arm64; undefined when none is. */
export function archCheck(nodes: readonly NodeFacts[]): Check | undefined {
  const arm = nodes.filter((n) => n.arch === 'arm64').map((n) => n.name);
  if (arm.length === 0) return undefined;
  return {
    name: 'arch',
    status: 'warn',
    message: `arm64 nodes (${arm.join(', ')}): several Kubeflow images are amd64 only (kubeflow/manifests#2745)`,
    fix: 'schedule Kubeflow on amd64 nodes',
  };
}

/** The cluster type the nodes suggest against --target (generic fits any). */
export function targetCheck(detected: Target | undefined, target: Target): Check {
  if (detected !== undefined && detected !== target && target !== 'generic')
    return {
      name: 'target',
      status: 'warn',
      message: `the cluster looks like ${detected}, but --target is ${target}`,
      fix: `pass --target ${detected} unless you know better`,
    };
  return { name: 'target', status: 'ok', message: `cluster type: ${detected ?? 'unknown'}; overlays for ${target}` };
}

/** A default StorageClass, for the PersistentVolumeClaims Kubeflow creates. */
export async function checkStorage(kube: Kube): Promise<Check> {
  try {
    const classes = await kube.list({ apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses' });
    const def = classes.find(
      (s) => s.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    );
    return def
      ? { name: 'storage', status: 'ok', message: `default StorageClass ${def.metadata?.name ?? ''}` }
      : {
          name: 'storage',
          status: 'fail',
          message:
            'no default StorageClass: Pipelines, Katib and the user profile create PersistentVolumeClaims that would stay Pending',
          fix: 'mark a StorageClass default (annotation storageclass.kubernetes.io/is-default-class: "true")',
        };
  } catch (err) {
    return failFrom('storage', err, 'grant list on storageclasses');
  }
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
