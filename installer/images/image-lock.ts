/**
 * The fork's image lock: each copied image's upstream name, tag and the digest the mirror holds.
 * `images --copy-to` writes it; `--registry` reads it to pin every reference by digest. Pure.
 */
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { FORK_OVERLAYS_DIR, TOOL } from '../core/constants.js';

export const IMAGE_LOCK_FILE = `${FORK_OVERLAYS_DIR}/images-lock.yaml`;

const lockSchema = z.object({
  registry: z.string().optional(),
  images: z.array(z.object({ name: z.string(), tag: z.string().optional(), digest: z.string() })).default([]),
});
export type ImageLock = z.infer<typeof lockSchema>;
export type LockEntry = ImageLock['images'][number];

/** The lock in a file's text; a file that is not one is named, never overwritten silently. */
export function parseImageLock(text: string): ImageLock {
  const parsed = lockSchema.safeParse(parse(text) ?? {});
  if (!parsed.success)
    throw new Error(`${IMAGE_LOCK_FILE} is not an image lock: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export function renderImageLock(lock: ImageLock): string {
  const images = [...lock.images].sort((a, b) => `${a.name}:${a.tag ?? ''}`.localeCompare(`${b.name}:${b.tag ?? ''}`));
  return (
    `# Written by ${TOOL} images --copy-to: each image's upstream name and tag, and the digest of the copy.\n` +
    `# ${TOOL} --registry pins every reference to these digests.\n` +
    stringify({ ...(lock.registry !== undefined ? { registry: lock.registry } : {}), images }, { lineWidth: 0 })
  );
}

/** The digest locked for an upstream name and tag (or the digest written, when it has one). */
export function lockedDigest(lock: ImageLock | undefined, name: string, tag: string | undefined): string | undefined {
  return lock?.images.find((e) => e.name === name && e.tag === tag)?.digest;
}
