/**
 * kustomize `vars` left unresolved in a render: `$(CERTIFICATE_NAMESPACE)` written where kustomize
 * should have put a value. A var is resolved only within the build that declares it, so a component
 * rendered alone (as each Argo CD Application renders it) can keep a reference that upstream's
 * example/ resolves from another component's declaration. Argo CD applies such a string as written.
 *
 * Not every `$(NAME)` is a kustomize var: Kubernetes itself expands `$(VAR)` from the container's
 * environment in a container's command, args and env values, so those are never reported, in any
 * object that holds a pod template (Deployments, Jobs, and custom resources wrapping one: workflows,
 * training runtimes, inference services); nor are a CRD's schema descriptions, which quote the Pod
 * API's docs. Other places where a `$(NAME)` is meant as written are listed in LEGITIMATE, each with
 * why. Pure.
 */
import type { KubeObject } from '../systems/kube.js';

export interface UnresolvedVar {
  /** "CustomResourceDefinition jobsets.jobset.x-k8s.io" */
  readonly object: string;
  /** Where in the object, e.g. `metadata.annotations.cert-manager.io/inject-ca-from`. */
  readonly path: string;
  /** The var names, e.g. ["CERTIFICATE_NAMESPACE", "CERTIFICATE_NAME"]. */
  readonly vars: readonly string[];
  readonly value: string;
}

/** A `$(NAME)` that is meant as written, outside container command/args/env. */
export interface LegitimateVar {
  readonly kind: string;
  /** The object's name; undefined for any. */
  readonly name?: string | undefined;
  /** The field, as `path` in UnresolvedVar reports it. */
  readonly path: RegExp;
  readonly why: string;
}

export const LEGITIMATE: readonly LegitimateVar[] = [
  {
    kind: 'ConfigMap',
    name: 'istio-sidecar-injector',
    path: /^data\.(config|values)$/,
    why: "Istio's injection template: its $(POD_NAMESPACE) become the injected sidecar's args, which Kubernetes expands",
  },
];

const VAR = /\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

/** A container's command, args or an env value: Kubernetes expands `$(VAR)` there from the container's env. */
const EXPANDED_BY_KUBERNETES =
  /(^|\.)(containers|initContainers|ephemeralContainers)\[\d+\]\.(command\[\d+\]|args\[\d+\]|env\[\d+\]\.value)$/;

const SCHEMA = /^spec\.versions\[\d+\]\.schema\./;

export function findUnresolvedVars(
  objects: readonly KubeObject[],
  legitimate: readonly LegitimateVar[] = LEGITIMATE,
): UnresolvedVar[] {
  const out: UnresolvedVar[] = [];
  for (const o of objects) {
    const kind = o.kind ?? '?';
    const name = o.metadata?.name ?? '?';
    const object = `${kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${name}`;
    walk(o, '', (path, value) => {
      const vars = [...new Set([...value.matchAll(VAR)].map((m) => m[1] ?? ''))];
      if (vars.length === 0 || EXPANDED_BY_KUBERNETES.test(path)) return;
      // A CRD's schema describes fields (its descriptions quote `$(VAR_NAME)` from the Pod API): no value there is applied.
      if (kind === 'CustomResourceDefinition' && SCHEMA.test(path)) return;
      if (legitimate.some((l) => l.kind === kind && (l.name === undefined || l.name === name) && l.path.test(path)))
        return;
      out.push({ object, path, vars, value });
    });
  }
  return out;
}

function walk(node: unknown, path: string, visit: (path: string, value: string) => void): void {
  if (typeof node === 'string') visit(path, node);
  else if (Array.isArray(node))
    node.forEach((v, i) => {
      walk(v, `${path}[${String(i)}]`, visit);
    });
  else if (node !== null && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) walk(v, path === '' ? k : `${path}.${k}`, visit);
}

/** One line per finding, for a warning or a test failure. */
export function describeUnresolved(v: UnresolvedVar): string {
  return `${v.object}: ${v.path} keeps the kustomize var${v.vars.length > 1 ? 's' : ''} ${v.vars.map((n) => `$(${n})`).join(', ')} unresolved`;
}
