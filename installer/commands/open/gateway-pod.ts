/**
 * Which pod and port `open` forwards to, as `kubectl port-forward svc/…` picks them: a Ready pod that
 * the gateway Service selects, and the container port behind the Service's HTTP port (a number, or a
 * name looked up in the pod's containers). Pure; a missing piece is a message that names it.
 */
import { GATEWAY_NAMESPACE, GATEWAY_SERVICE } from '../../core/constants.js';
import { httpPort } from '../../plan/describe-reach.js';

export interface ServiceDoc {
  readonly spec?: {
    readonly type?: string;
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports?: readonly {
      readonly name?: string;
      readonly port?: number;
      readonly targetPort?: number | string;
      readonly nodePort?: number;
    }[];
  };
}

export interface PodDoc {
  readonly metadata?: { readonly name?: string; readonly deletionTimestamp?: string };
  readonly spec?: {
    readonly containers?: readonly {
      readonly ports?: readonly { readonly name?: string; readonly containerPort?: number }[];
    }[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

export type GatewayTarget =
  | { readonly kind: 'pod'; readonly pod: string; readonly port: number; readonly servicePort: number }
  | { readonly kind: 'missing'; readonly what: string };

const SERVICE = `Service ${GATEWAY_NAMESPACE}/${GATEWAY_SERVICE}`;

/** The label selector of the Service, as a list request takes it. */
export const selectorOf = (s: ServiceDoc): string | undefined => {
  const entries = Object.entries(s.spec?.selector ?? {});
  return entries.length === 0 ? undefined : entries.map(([k, v]) => `${k}=${v}`).join(',');
};

const ready = (p: PodDoc): boolean =>
  p.metadata?.deletionTimestamp === undefined &&
  p.status?.phase === 'Running' &&
  (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export function pickGatewayPod(service: ServiceDoc | undefined, pods: readonly PodDoc[]): GatewayTarget {
  if (service === undefined) return { kind: 'missing', what: `${SERVICE} does not exist` };
  if (selectorOf(service) === undefined)
    return { kind: 'missing', what: `${SERVICE} has no selector, so no pod serves it` };
  const ports = (service.spec?.ports ?? []).map((p) => ({ ...p, port: p.port ?? 0 }));
  const http = httpPort({ type: service.spec?.type ?? 'ClusterIP', ports });
  const spec = ports.find((p) => p.port === http.port);
  if (spec === undefined) return { kind: 'missing', what: `${SERVICE} has no HTTP port (named http2 or http, or 80)` };
  const candidates = pods.filter(ready).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const pod = candidates[0];
  if (pod === undefined)
    return {
      kind: 'missing',
      what: `no Ready pod behind ${SERVICE} (${String(pods.length)} pod(s) match its selector, none Running and Ready)`,
    };
  const target = spec.targetPort ?? spec.port;
  if (typeof target === 'number')
    return { kind: 'pod', pod: pod.metadata?.name ?? '', port: target, servicePort: spec.port };
  const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target);
  if (named?.containerPort === undefined)
    return {
      kind: 'missing',
      what: `pod ${GATEWAY_NAMESPACE}/${pod.metadata?.name ?? ''} has no container port named "${target}" (the target port of ${SERVICE})`,
    };
  return { kind: 'pod', pod: pod.metadata?.name ?? '', port: named.containerPort, servicePort: spec.port };
}
