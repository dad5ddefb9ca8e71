/**
 * When Argo CD does not persist resource health in the Application (v3's default,
 * `controller.resource.health.persist: false`, on an adopted Argo CD the user did not let us
 * configure), a component that ends Degraded or still Progressing carries no per-resource reason. The
 * report then reads the component's workloads (and cert-manager Certificates: the gateway's HTTPS
 * certificate keeps kubeflow-istio-resources Progressing until it is issued) from the API server and
 * says which one is not ready and why, in the words of the objects' own status. Runs once per unready
 * component when a wait ends: no polling.
 */
import type { Kube, KubeObject, ObjectRef } from '../systems/kube.js';
import { ARGOCD_NAMESPACE } from '../core/constants.js';
import type { ArgoApplication, ComponentState, Problem } from './assess-application.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
interface Workload extends KubeObject {
  apiVersion?: string;
  // Other kinds carry other fields; only what the checks read is named.
  spec?: { replicas?: number; [field: string]: unknown };
  status?: {
    conditions?: Condition[];
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    phase?: string;
  };
}

/** The kinds read, with the group Argo CD lists them under ('' for core) and the version read. */
const KINDS: Readonly<Record<string, { group: string; apiVersion: string }>> = {
  Deployment: { group: 'apps', apiVersion: 'apps/v1' },
  StatefulSet: { group: 'apps', apiVersion: 'apps/v1' },
  DaemonSet: { group: 'apps', apiVersion: 'apps/v1' },
  Job: { group: 'batch', apiVersion: 'batch/v1' },
  PersistentVolumeClaim: { group: '', apiVersion: 'v1' },
  Certificate: { group: 'cert-manager.io', apiVersion: 'cert-manager.io/v1' },
};
const readKind = (r: { group?: string; kind?: string }) => {
  const k = KINDS[r.kind ?? ''];
  return k !== undefined && k.group === (r.group ?? '') ? k : undefined;
};
/** Argo CD leaves an object with this annotation out of the Application's health; so does the report. */
const IGNORE_HEALTH = 'argocd.argoproj.io/ignore-healthcheck';
/** Enough to name the culprit; a component with more workloads than this is rare and the first ones tell. */
const MAX_OBJECTS = 40;

const name = (o: KubeObject) =>
  `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;
const falseCondition = (o: Workload, type: string) =>
  o.status?.conditions?.find((c) => c.type === type && c.status === 'False');

/** Whether one object is ready, judged from its status the way Argo CD's built-in checks judge it. */
export function objectProblem(o: Workload): Problem | undefined {
  const s = o.status ?? {};
  if (o.metadata?.annotations?.[IGNORE_HEALTH] === 'true') return undefined;
  switch (o.kind) {
    case 'Deployment': {
      const stuck = o.status?.conditions?.find(
        (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
      );
      if (stuck) return { resource: name(o), status: 'Degraded', message: stuck.message };
      const want = o.spec?.replicas ?? 1;
      if ((s.availableReplicas ?? 0) < want || (s.updatedReplicas ?? 0) < want) {
        return {
          resource: name(o),
          status: 'Progressing',
          message:
            falseCondition(o, 'Available')?.message ?? `${s.availableReplicas ?? 0} of ${want} replicas available`,
        };
      }
      return undefined;
    }
    case 'StatefulSet': {
      const want = o.spec?.replicas ?? 1;
      return (s.readyReplicas ?? 0) < want
        ? { resource: name(o), status: 'Progressing', message: `${s.readyReplicas ?? 0} of ${want} replicas ready` }
        : undefined;
    }
    case 'DaemonSet':
      return (s.numberReady ?? 0) < (s.desiredNumberScheduled ?? 0)
        ? {
            resource: name(o),
            status: 'Progressing',
            message: `${s.numberReady ?? 0} of ${s.desiredNumberScheduled ?? 0} pods ready`,
          }
        : undefined;
    case 'Job': {
      const failed = o.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      return failed ? { resource: name(o), status: 'Degraded', message: failed.message ?? failed.reason } : undefined;
    }
    case 'PersistentVolumeClaim':
      return s.phase !== 'Bound'
        ? { resource: name(o), status: 'Progressing', message: `claim is ${s.phase ?? 'Pending'}` }
        : undefined;
    case 'Certificate':
      return o.apiVersion?.startsWith('cert-manager.io/') === true ? certificateProblem(o) : undefined;
    default:
      return undefined;
  }
}

/**
 * A cert-manager Certificate as Argo CD's built-in check (resource_customizations/cert-manager.io/
 * Certificate/health.lua, v3.4-v3.6) judges it: Issuing=True is Progressing, then Ready=False is
 * Degraded and Ready=True Healthy; no condition yet is Progressing. The words are cert-manager's own
 * conditions, with the reason: a failed issuance says why on Issuing=False, which Ready's message
 * ("Issuing certificate as Secret does not exist") does not.
 */
function certificateProblem(o: Workload): Problem | undefined {
  const conditions = o.status?.conditions ?? [];
  const of = (type: string, status: string) => conditions.find((c) => c.type === type && c.status === status);
  const words = (c: Condition) => [c.reason, c.message].filter((w) => w !== undefined && w !== '').join(': ');
  const issuing = of('Issuing', 'True');
  if (issuing) return { resource: name(o), status: 'Progressing', message: `not Ready, issuing: ${words(issuing)}` };
  const notReady = of('Ready', 'False');
  if (notReady) {
    const failed = of('Issuing', 'False');
    return { resource: name(o), status: 'Degraded', message: `not Ready: ${words(failed ?? notReady)}` };
  }
  if (of('Ready', 'True')) return undefined;
  return {
    resource: name(o),
    status: 'Progressing',
    message: 'not Ready: no status yet (nothing has acted on it: is the cert-manager controller running?)',
  };
}

/** States of unready components that have no per-resource reason, explained from their objects. */
export async function explainFromObjects(
  kube: Kube,
  states: ReadonlyMap<string, ComponentState>,
): Promise<Map<string, ComponentState>> {
  const out = new Map(states);
  const silent = [...states].filter(
    ([, s]) =>
      s.phase !== 'ready' &&
      s.phase !== 'missing' &&
      s.problems.length === 0 &&
      (s.health === 'Degraded' || s.health === 'Progressing'),
  );
  for (const [component, state] of silent) {
    const app = await read(kube, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      namespace: ARGOCD_NAMESPACE,
      name: component,
    });
    if (app.problem) {
      out.set(component, {
        ...state,
        problems: [app.problem],
        reason: `${state.health ?? ''}: ${app.problem.message}`,
      });
      continue;
    }
    const refs = ((app.object as ArgoApplication | undefined)?.status?.resources ?? [])
      .filter((r) => readKind(r) !== undefined)
      .slice(0, MAX_OBJECTS);
    const objects = await Promise.all(
      refs.map((r) =>
        read(kube, {
          apiVersion: readKind(r)?.apiVersion ?? 'v1',
          kind: r.kind ?? '',
          namespace: r.namespace,
          name: r.name ?? '',
        }),
      ),
    );
    const problems = objects.flatMap((o) => {
      const p = o.problem ?? (o.object && objectProblem(o.object));
      return p ? [p] : [];
    });
    const first = problems.find((p) => p.status === state.health) ?? problems[0];
    if (first)
      out.set(component, {
        ...state,
        problems,
        reason: `${state.health ?? ''}: ${first.resource}: ${first.message ?? first.status}`,
      });
  }
  return out;
}

/**
 * One object: undefined when it is gone (a 404: nothing to explain), a problem naming it when the API
 * server would not give it (a 403, a 5xx), never taken for a ready one.
 */
type Read =
  | { object?: Workload | undefined; problem?: undefined }
  | { object?: undefined; problem: Problem & { message: string } };
async function read(kube: Kube, ref: ObjectRef): Promise<Read> {
  try {
    return { object: await kube.get<Workload>(ref) };
  } catch (err) {
    const resource = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    const message = `${resource} could not be read: ${err instanceof Error ? err.message : String(err)}`;
    return { problem: { resource, status: 'Unknown', message } };
  }
}
