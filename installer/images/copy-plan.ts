/**
 * What `images --copy-to` copies: each image of the list once, from its upstream name to the same
 * path under the registry (image-reference.ts mirroredName), and what the lock already says of it.
 * Pure.
 */
import type { ImageReport } from './image-list.js';
import { lockedDigest, type ImageLock, type LockEntry } from './image-lock.js';
import { imageName, mirroredName, parseImageRef } from './image-reference.js';

export interface CopyItem {
  /** Upstream name (registry/repository) and tag, as the lock keys it. */
  readonly name: string;
  readonly tag?: string | undefined;
  /** The digest when the reference is written with one, or the lock's from an earlier copy. */
  readonly digest?: string | undefined;
  /** Where it goes: the mirrored name, without tag or digest. */
  readonly target: string;
}

export function planCopies(report: ImageReport, registry: string, lock: ImageLock | undefined): CopyItem[] {
  const items = new Map<string, CopyItem>();
  for (const e of report.images) {
    const ref = parseImageRef(e.image);
    if (ref === undefined) continue;
    const key = `${imageName(ref)}:${ref.tag ?? ''}@${ref.digest ?? ''}`;
    if (items.has(key)) continue;
    items.set(key, {
      name: imageName(ref),
      tag: ref.tag,
      digest: ref.digest ?? lockedDigest(lock, imageName(ref), ref.tag),
      target: mirroredName(ref, registry),
    });
  }
  return [...items.values()];
}

/** The source reference to copy from: pinned by digest once one is known. */
export const sourceOf = (item: CopyItem, digest: string): string => `${item.name}@${digest}`;

/** The destination: the upstream tag (so people can read it), the digest kept by the copy. */
export const destinationOf = (item: CopyItem, digest: string): string =>
  item.tag !== undefined ? `${item.target}:${item.tag}` : `${item.target}@${digest}`;

/** The lock after a copy: this registry's entries, the newest digest of each name and tag. */
export function mergeLock(lock: ImageLock | undefined, registry: string, copied: readonly LockEntry[]): ImageLock {
  const key = (e: LockEntry) => `${e.name}:${e.tag ?? ''}`;
  const byKey = new Map((lock?.registry === registry ? lock.images : []).map((e) => [key(e), e]));
  for (const e of copied) byKey.set(key(e), e);
  return { registry, images: [...byKey.values()] };
}
