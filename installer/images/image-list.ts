/**
 * The image list `images` prints: one entry per image (its canonical reference), each with every
 * place it is used (component, object, field), and whatever image-like string nobody accounted for.
 * Pure: built from what find-images.ts found in each component's render.
 */
import type { FoundImages, ImageUse, ObjectId, Unaccounted } from './find-images.js';
import { formatImageRef, imageName, type ImageRef } from './image-reference.js';

export interface ImageEntry {
  /** registry/repository:tag[@digest], Docker Hub's short names spelt out. */
  readonly image: string;
  readonly name: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
  readonly uses: readonly ImageUse[];
}

export interface ImageReport {
  readonly release: string;
  readonly target: string;
  readonly components: readonly string[];
  readonly images: readonly ImageEntry[];
  /** How many `image:` fields and how many hidden references the render holds. */
  readonly fields: number;
  readonly hidden: number;
  readonly unaccounted: readonly Unaccounted[];
  /** False when the release's hidden locations were never listed (catalogue/image-locations.ts). */
  readonly surveyed: boolean;
}

export function buildImageReport(
  context: { release: string; target: string; surveyed: boolean },
  found: ReadonlyMap<string, FoundImages>,
): ImageReport {
  const byImage = new Map<string, { ref: ImageRef; uses: ImageUse[] }>();
  const unaccounted: Unaccounted[] = [];
  let fields = 0;
  let hidden = 0;
  for (const f of found.values()) {
    unaccounted.push(...f.unaccounted);
    for (const u of f.uses) {
      if (u.how === 'field') fields += 1;
      else hidden += 1;
      const key = formatImageRef(u.ref);
      const entry = byImage.get(key) ?? { ref: u.ref, uses: [] };
      entry.uses.push(u);
      byImage.set(key, entry);
    }
  }
  const images = [...byImage.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([image, { ref, uses }]) => ({ image, name: imageName(ref), tag: ref.tag, digest: ref.digest, uses }));
  return { ...context, components: [...found.keys()], images, fields, hidden, unaccounted };
}

export const describeObject = (o: ObjectId): string => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/** Text: the image, then one indented line per use. */
export function renderImagesText(r: ImageReport): string {
  const lines = [
    `# Kubeflow ${r.release}, target ${r.target}: ${r.images.length} images, from ${r.fields} image: fields and ${r.hidden} hidden references`,
  ];
  if (!r.surveyed)
    lines.push(`# ${r.release}'s hidden image locations are not listed: only image: fields are complete`);
  for (const e of r.images) {
    lines.push(e.image);
    for (const u of e.uses)
      lines.push(
        `    ${u.component}  ${describeObject(u.object)}  ${u.field}${u.how === 'hidden' ? '  (hidden)' : ''}`,
      );
  }
  for (const u of r.unaccounted)
    lines.push(`! unaccounted: ${u.token}  ${u.component}  ${describeObject(u.object)}  ${u.field}`);
  return `${lines.join('\n')}\n`;
}

export function imagesToJson(r: ImageReport, copy?: { copied: number; skipped: number; entries: unknown[] }): unknown {
  return {
    ...(copy !== undefined ? { copy: { copied: copy.copied, skipped: copy.skipped, lock: copy.entries } } : {}),
    release: r.release,
    target: r.target,
    components: r.components,
    surveyed: r.surveyed,
    counts: { images: r.images.length, fields: r.fields, hidden: r.hidden, unaccounted: r.unaccounted.length },
    images: r.images.map((e) => ({
      image: e.image,
      name: e.name,
      ...(e.tag !== undefined ? { tag: e.tag } : {}),
      ...(e.digest !== undefined ? { digest: e.digest } : {}),
      uses: e.uses.map((u) => ({
        component: u.component,
        object: u.object,
        field: u.field,
        written: u.reference,
        how: u.how,
        ...(u.why !== undefined ? { why: u.why } : {}),
      })),
    })),
    unaccounted: r.unaccounted,
  };
}
