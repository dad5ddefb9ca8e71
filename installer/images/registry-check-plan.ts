/**
 * What doctor and the install preflight look up in the user's registry before anything is pushed:
 * each image of the selection once, as the rewritten fork pulls it. A reference already in the
 * registry (the fork's rewrites put it there) is looked up as written; any other is mirrored the
 * way `--registry` rewrites it, by the lock's digest when there is one (registry-overlay.ts). Pure.
 */
import type { ImageUse } from './find-images.js';
import type { ImageLock } from './image-lock.js';
import { formatImageRef, imageName } from './image-reference.js';
import { mirroredReference } from './registry-overlay.js';

export interface RegistryCheckItem {
  /** What is looked up: `<registry>/<upstream name>[:tag][@digest]`. */
  readonly reference: string;
}

export function planRegistryCheck(
  uses: readonly ImageUse[],
  registry: string,
  lock: ImageLock | undefined,
): RegistryCheckItem[] {
  const prefix = `${registry.replace(/\/+$/, '')}/`;
  const items = new Map<string, RegistryCheckItem>();
  for (const u of uses) {
    const reference = imageName(u.ref).startsWith(prefix)
      ? formatImageRef(u.ref)
      : mirroredReference(u.ref, registry, lock);
    items.set(reference, { reference });
  }
  return [...items.values()].sort((a, b) => a.reference.localeCompare(b.reference));
}

/** "a, b and c (5 missing in all)": the first few missing references, and how many in all. */
export function describeMissing(missing: readonly string[], shown = 3): string {
  const first = missing.slice(0, shown).join(', ');
  return missing.length > shown ? `${first} and ${missing.length - shown} more (${missing.length} in all)` : first;
}
