/**
 * After an install from `--registry`: which containers in the cluster run an image from elsewhere.
 * Every container of every pod counts, init and ephemeral containers too, and pods controllers made
 * later (a notebook, a pipeline step, a KServe predictor). Pure: pods in, findings out.
 */
import { parseImageRef } from './image-reference.js';

export interface ForeignContainer {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly kind: 'container' | 'init' | 'ephemeral';
  readonly image: string;
}

interface PodLike {
  metadata?: { name?: string; namespace?: string };
  spec?: Partial<Record<'containers' | 'initContainers' | 'ephemeralContainers', { name?: string; image?: string }[]>>;
}

/** Whether an image reference is served by `registry` (`host[:port][/prefix]`). */
export function fromRegistry(image: string, registry: string): boolean {
  const ref = parseImageRef(image);
  const prefix = registry.replace(/\/+$/, '');
  const full = ref === undefined ? image : `${ref.registry}/${ref.repository}`;
  return full === prefix || full.startsWith(`${prefix}/`);
}

export function foreignContainers(pods: readonly PodLike[], registry: string): ForeignContainer[] {
  const out: ForeignContainer[] = [];
  const lists = [
    ['containers', 'container'],
    ['initContainers', 'init'],
    ['ephemeralContainers', 'ephemeral'],
  ] as const;
  for (const pod of pods)
    for (const [field, kind] of lists)
      for (const c of pod.spec?.[field] ?? [])
        if (c.image !== undefined && !fromRegistry(c.image, registry))
          out.push({
            namespace: pod.metadata?.namespace ?? '',
            pod: pod.metadata?.name ?? '',
            container: c.name ?? '',
            kind,
            image: c.image,
          });
  return out.sort((a, b) => `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`));
}

export function describeForeign(f: ForeignContainer): string {
  return `${f.namespace}/${f.pod} ${f.kind === 'container' ? '' : `${f.kind} `}container ${f.container}: ${f.image}`;
}
