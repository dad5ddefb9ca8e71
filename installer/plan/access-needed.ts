/**
 * The permissions seeding a component takes, checked with SelfSubjectAccessReviews before anything
 * is applied (steps/seed-components.ts). A server-side apply is a PATCH; one that creates the
 * object is also authorized as a create (the API server's patch handler checks `create` when the
 * object does not exist), so every object needs both. The child Application is only created.
 */
import type { KubeObject } from '../systems/kube.js';
import type { ComponentSeed } from './plan-component-seed.js';

export interface AccessNeed {
  readonly verb: 'create' | 'patch';
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string | undefined;
}

/** Everything at once: one review of "any verb on any resource" answers for a cluster admin. */
export const ALL_ACCESS = { verb: '*', group: '*', resource: '*', namespace: undefined } as const;

const groupOf = (apiVersion: string | undefined): string =>
  (apiVersion ?? '').includes('/') ? ((apiVersion ?? '').split('/')[0] ?? '') : '';

/** `resourceOf` names the resource (plural) of a kind: discovery, or the CRD that brings it. */
export function accessNeeded(
  seed: ComponentSeed,
  resourceOf: (apiVersion: string, kind: string) => string | undefined,
): AccessNeed[] {
  const needs = new Map<string, AccessNeed>();
  const add = (o: KubeObject, verbs: readonly AccessNeed['verb'][]) => {
    const resource = resourceOf(o.apiVersion ?? '', o.kind ?? '') ?? `${(o.kind ?? '').toLowerCase()}s`;
    for (const verb of verbs) {
      const need = { verb, group: groupOf(o.apiVersion), resource, namespace: o.metadata?.namespace };
      needs.set(describeAccess(need), need);
    }
  };
  for (const o of [...(seed.namespace ? [seed.namespace.object] : []), ...seed.objects, ...seed.custom])
    add(o, ['create', 'patch']);
  add(seed.application, ['create']);
  return [...needs.values()];
}

export const describeAccess = (n: AccessNeed): string =>
  `${n.verb} ${n.resource}${n.group ? `.${n.group}` : ''}${n.namespace ? ` in ${n.namespace}` : ''}`;
