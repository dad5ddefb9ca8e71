/**
 * Every image a rendered component can run, and every image-like string it holds that nobody has
 * accounted for. `image:` fields are found by shape; the rest (environment variables, arguments,
 * ConfigMaps that controllers read images from) only where the release's data says an image is
 * (catalogue/image-locations.ts), so a new hidden image in a release shows up as unaccounted. Pure.
 */
import type { AssembledRule, ImageLocations, LocationRule } from '../catalogue/image-locations.js';
import { findImageTokens, looksLikeImage, parseImageRef, type ImageRef } from './image-reference.js';

export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}

export interface ImageUse {
  readonly component: string;
  readonly object: ObjectId;
  /** Where in the object, array items named by their `name` when they have one: `spec.template.spec.containers[manager].image`. */
  readonly field: string;
  /** The same place as a JSON pointer with indices, for patches. */
  readonly pointer: string;
  /** The reference as written. */
  readonly reference: string;
  readonly ref: ImageRef;
  /** `field`: a container's (or a runtime's) `image:`; `hidden`: inside another value, at a listed location. */
  readonly how: 'field' | 'hidden';
  /** For a hidden one: why it is an image (the location's reason). */
  readonly why?: string | undefined;
  /** For an assembled one (Istio's values): the hub as written, which is what a mirror rewrites. */
  readonly hub?: string | undefined;
}

export interface Unaccounted {
  readonly component: string;
  readonly object: ObjectId;
  readonly field: string;
  readonly token: string;
}

export interface FoundImages {
  readonly uses: ImageUse[];
  readonly unaccounted: Unaccounted[];
}

interface Leaf {
  readonly field: string;
  readonly pointer: string;
  readonly key: string;
  readonly value: string;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

function* leaves(node: unknown, field: string, pointer: string, key: string): Generator<Leaf> {
  if (typeof node === 'string') {
    yield { field, pointer, key, value: node };
  } else if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const name = (item as { name?: unknown } | null)?.name;
      const label = typeof name === 'string' && typeof item === 'object' ? name : String(i);
      yield* leaves(item, `${field}[${label}]`, `${pointer}/${i}`, key);
    }
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const dotted = /^[\w-]+$/.test(k) ? `.${k}` : `[${k}]`;
      yield* leaves(v, field === '' ? k : `${field}${dotted}`, `${pointer}/${escapePointer(k)}`, k);
    }
  }
}

/** `*` matches within one part of a field (between dots and brackets); `**` matches anything. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^.\\[\\]]*'),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

const matches = (rule: LocationRule, object: ObjectId, field: string): boolean =>
  (rule.kind === undefined || rule.kind === object.kind) &&
  (rule.name === undefined || globToRegExp(rule.name).test(object.name)) &&
  globToRegExp(rule.field).test(field);

interface KubeLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

export function objectId(o: KubeLike): ObjectId {
  const ns = o.metadata?.namespace;
  return {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
    kind: typeof o.kind === 'string' ? o.kind : '',
    name: typeof o.metadata?.name === 'string' ? o.metadata.name : '',
    ...(typeof ns === 'string' ? { namespace: ns } : {}),
  };
}

/** The images of one component's rendered objects, by the release's locations. */
export function findImages(component: string, objects: readonly unknown[], locations: ImageLocations): FoundImages {
  const uses: ImageUse[] = [];
  const unaccounted: Unaccounted[] = [];
  for (const o of objects) {
    if (o === null || typeof o !== 'object') continue;
    const object = objectId(o);
    for (const leaf of leaves(o, '', '', '')) {
      const parts = locations.assembled.find((r) => matches(r, object, leaf.field));
      if (parts !== undefined) {
        const use = assembledUse(component, object, leaf, parts);
        if (use !== undefined) uses.push(use);
        continue;
      }
      const fieldRef = leaf.key === 'image' ? parseImageRef(leaf.value) : undefined;
      if (fieldRef !== undefined) {
        uses.push({ component, object, ...pick(leaf), reference: leaf.value, ref: fieldRef, how: 'field' });
        continue;
      }
      const tokens = findImageTokens(leaf.value);
      if (leaf.key === 'image' && tokens.length === 0 && !looksLikeImage(leaf.value) && leaf.value !== '')
        tokens.push({ token: leaf.value, index: 0 });
      if (tokens.length === 0) continue;
      const hidden = locations.images.find((r) => matches(r, object, leaf.field));
      for (const { token } of tokens) {
        const ref = parseImageRef(token);
        if (hidden !== undefined && ref !== undefined && !isNotImage(locations, object, leaf.field, token)) {
          uses.push({ component, object, ...pick(leaf), reference: token, ref, how: 'hidden', why: hidden.why });
        } else if (!isNotImage(locations, object, leaf.field, token)) {
          unaccounted.push({ component, object, field: leaf.field, token });
        }
      }
    }
  }
  return { uses, unaccounted };
}

const pick = (leaf: Leaf) => ({ field: leaf.field, pointer: leaf.pointer });

function isNotImage(locations: ImageLocations, object: ObjectId, field: string, token: string): boolean {
  return locations.notImages.some(
    (r) =>
      new RegExp(`^(?:${r.token})$`).test(token) &&
      (r.field === undefined || matches({ ...r, field: r.field }, object, field)),
  );
}

const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      value,
    );

function assembledUse(component: string, object: ObjectId, leaf: Leaf, rule: AssembledRule): ImageUse | undefined {
  let values: unknown;
  try {
    values = JSON.parse(leaf.value);
  } catch {
    return undefined;
  }
  const [hub, image, tag] = [rule.hub, rule.image, rule.tag].map((p) => at(values, p));
  if (typeof hub !== 'string' || typeof image !== 'string' || typeof tag !== 'string' || hub === '') return undefined;
  const reference = image.includes('/') ? `${image}:${tag}` : `${hub}/${image}:${tag}`;
  const ref = parseImageRef(reference);
  if (ref === undefined) return undefined;
  return { component, object, ...pick(leaf), reference, ref, how: 'hidden', why: rule.why, hub };
}
