/**
 * When Argo CD does not persist resource health in the Application (v3's default,
 * `controller.resource.health.persist: false`, on an adopted Argo CD the user did not let us
 * configure), a component that ends Degraded or still Progressing carries no per-resource reason. The
 * report then reads the component's workloads from the API server and says which one is not ready and
 * why, in the words of the objects' own status. Runs once per unready component when a wait ends: no
 * polling.
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
  spec?: { replicas?: number };
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

const KINDS: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  PersistentVolumeClaim: 'v1',
};
/** Enough to name the culprit; a component with more workloads than this is rare and the first ones tell. */
const MAX_OBJECTS = 40;

const name = (o: KubeObject) =>
  `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;
const falseCondition = (o: Workload, type: string) =>
  o.status?.conditions?.find((c) => c.type === type && c.status === 'False');

/** Whether one object is ready, judged from its status the way Argo CD's built-in checks judge it. */
export function objectProblem(o: Workload): Problem | undefined {
  const s = o.status ?? {};
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
    default:
      return undefined;
  }
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
      .filter((r) => r.kind !== undefined && KINDS[r.kind] !== undefined)
      .slice(0, MAX_OBJECTS);
    const objects = await Promise.all(
      refs.map((r) =>
        read(kube, {
          apiVersion: KINDS[r.kind ?? ''] ?? 'v1',
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
