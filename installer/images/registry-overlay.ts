/**
 * The rewrites that make a component pull every image from the user's registry: a kustomize
 * Component in `overlays/<target>/<component>/registry/`, with `images:` entries for container
 * `image:` fields and JSON patches for every other place (hidden references, runtimes' images). It is
 * derived from the component's render, so `fork` and `upgrade` write it again for each release.
 * Pure: render in, file text out.
 */
import { Document } from 'yaml';
import { TOOL } from '../core/constants.js';
import type { ImageUse, ObjectId } from './find-images.js';
import { lockedDigest, type ImageLock } from './image-lock.js';
import { findImageTokens, imageName, mirroredName, parseImageRef, type ImageRef } from './image-reference.js';

export const REGISTRY_COMPONENT_DIR = 'registry';
/** On the Component: the registry it points at, which upgrade reads to derive the next release's. */
export const REGISTRY_ANNOTATION = 'kubeflow-gitops.io/registry';

/** Fields kustomize's images transformer rewrites: `image` of any item of a containers list. */
const COVERED = /(?:^|\.)(?:containers|initContainers)\[[^\]]*\]\.image$/;

/** The name as written, without tag and digest: what a kustomize `images:` entry matches. */
export function writtenName(reference: string): string {
  const noDigest = reference.replace(/@sha256:[0-9a-f]{64}$/, '');
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Where an upstream reference goes in the registry: by digest when the lock (or the reference) has one. */
export function mirroredReference(ref: ImageRef, registry: string, lock: ImageLock | undefined): string {
  const digest = ref.digest ?? lockedDigest(lock, imageName(ref), ref.tag);
  const name = mirroredName(ref, registry);
  return digest !== undefined ? `${name}@${digest}` : `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}`;
}

/** kustomize hashes generated ConfigMap and Secret names; a patch targets the name before the hash. */
const HASHED = /^(.+)-[bcdfghkmt2-9]{10}$/;
function patchTarget(o: ObjectId): Record<string, string> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const hashed = (o.kind === 'ConfigMap' || o.kind === 'Secret') && HASHED.exec(o.name);
  return {
    ...(group !== undefined && group !== '' ? { group } : {}),
    version: version ?? '',
    kind: o.kind,
    name: hashed ? `^${hashed[1] ?? ''}(-[bcdfghkmt2-9]{10})?$` : o.name,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
  };
}

function valueAt(object: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      object,
    );
}

/** `text` with each listed reference (and, for Istio, the quoted hub) pointed at the registry. */
function rewriteText(text: string, uses: readonly ImageUse[], registry: string, lock: ImageLock | undefined): string {
  let out = text;
  for (const u of uses.filter((x) => x.hub !== undefined)) {
    const hub = u.hub ?? '';
    out = out.split(JSON.stringify(hub)).join(JSON.stringify(`${registry.replace(/\/+$/, '')}/${hub}`));
  }
  const wanted = new Set(uses.filter((x) => x.hub === undefined).map((x) => x.reference));
  const tokens = findImageTokens(out).filter((t) => wanted.has(t.token));
  for (const t of tokens.reverse()) {
    const ref = parseImageRef(t.token);
    if (ref === undefined) continue;
    out = out.slice(0, t.index) + mirroredReference(ref, registry, lock) + out.slice(t.index + t.token.length);
  }
  return out;
}

export interface RegistryComponentInput {
  readonly registry: string;
  readonly release: string;
  readonly component: string;
  readonly uses: readonly ImageUse[];
  /** The component's rendered objects, in the order its uses were found in. */
  readonly objects: readonly unknown[];
  readonly lock?: ImageLock | undefined;
  /** What the images belong to, for the file's comment: `Kubeflow <release>` unless said. */
  readonly source?: string | undefined;
}

const objectKey = (o: ObjectId) => `${o.apiVersion}|${o.kind}|${o.namespace ?? ''}|${o.name}`;

export function renderRegistryComponent(input: RegistryComponentInput): string {
  const { registry, lock } = input;
  const prefix = `${registry.replace(/\/+$/, '')}/`;
  const todo = input.uses.filter((u) => !u.reference.startsWith(prefix) && !(u.hub ?? '').startsWith(prefix));

  // images: one entry per name as written; pinned by digest only when every use has the same tag.
  const byName = new Map<string, ImageUse[]>();
  const patched: ImageUse[] = [];
  for (const u of todo) {
    if (u.how === 'field' && COVERED.test(u.field))
      byName.set(writtenName(u.reference), [...(byName.get(writtenName(u.reference)) ?? []), u]);
    else patched.push(u);
  }
  const images = [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, uses]) => {
      const first = uses[0]?.ref as ImageRef;
      const same = uses.every((u) => u.ref.tag === first.tag && u.ref.digest === first.digest);
      const digest = same && first.digest === undefined ? lockedDigest(lock, imageName(first), first.tag) : undefined;
      return { name, newName: mirroredName(first, registry), ...(digest !== undefined ? { digest } : {}) };
    });

  // patches: one per object, replacing each value that holds a reference with the rewritten value.
  const objects = new Map(
    input.objects.map((o) => {
      const m = o as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
      const id: ObjectId = {
        apiVersion: m.apiVersion ?? '',
        kind: m.kind ?? '',
        name: m.metadata?.name ?? '',
        ...(m.metadata?.namespace !== undefined ? { namespace: m.metadata.namespace } : {}),
      };
      return [objectKey(id), o] as const;
    }),
  );
  const byObject = new Map<string, { object: ObjectId; byPointer: Map<string, ImageUse[]> }>();
  for (const u of patched) {
    const entry = byObject.get(objectKey(u.object)) ?? { object: u.object, byPointer: new Map<string, ImageUse[]>() };
    entry.byPointer.set(u.pointer, [...(entry.byPointer.get(u.pointer) ?? []), u]);
    byObject.set(objectKey(u.object), entry);
  }
  const patches = [...byObject.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { object, byPointer }]) => {
      const ops = [...byPointer.entries()].map(([pointer, uses]) => {
        const value = valueAt(objects.get(key), pointer);
        return { op: 'replace', path: pointer, value: rewriteText(String(value), uses, registry, lock) };
      });
      return { target: patchTarget(object), patch: new Document(ops).toString({ lineWidth: 0 }) };
    });

  const doc = new Document({
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    // kustomize refuses a kustomization with nothing but its kind; the name keeps an empty one valid.
    metadata: { name: REGISTRY_COMPONENT_DIR, annotations: { [REGISTRY_ANNOTATION]: registry } },
    ...(images.length > 0 ? { images } : {}),
    ...(patches.length > 0 ? { patches } : {}),
  });
  doc.commentBefore =
    ` Images of ${input.component} (${input.source ?? `Kubeflow ${input.release}`}) from ${registry}, written by ${TOOL} --registry.` +
    `\n ${TOOL} derives this file from the release: fork and upgrade write it again, so change images in` +
    '\n the overlay above it instead.';
  return doc.toString({ lineWidth: 0 });
}
