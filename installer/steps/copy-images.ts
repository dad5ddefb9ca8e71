/**
 * Copies each planned image to the registry with skopeo, resumable: an image whose locked digest the
 * registry already holds is skipped without asking the upstream registry; any other has its tag
 * resolved to a digest first, and is copied by that digest unless the registry has it.
 */
import type { Logger } from '../ui/logger.js';
import { destinationOf, sourceOf, type CopyItem } from '../images/copy-plan.js';
import type { LockEntry } from '../images/image-lock.js';
import type { Skopeo } from '../systems/skopeo.js';

export interface CopyResult {
  readonly entries: LockEntry[];
  readonly copied: number;
  readonly skipped: number;
}

export async function copyImages(skopeo: Skopeo, log: Logger, items: readonly CopyItem[]): Promise<CopyResult> {
  const entries: LockEntry[] = [];
  let copied = 0;
  let skipped = 0;
  for (const [i, item] of items.entries()) {
    const shown = `${item.name}${item.tag !== undefined ? `:${item.tag}` : ''}`;
    // A digest written in the reference or locked by an earlier copy needs no word from upstream.
    const digest = item.digest ?? (await skopeo.digest(shown));
    if (await skopeo.has(`${item.target}@${digest}`)) {
      skipped += 1;
      log.step(`[${i + 1}/${items.length}] ${shown}: already in the registry`);
    } else {
      log.step(`[${i + 1}/${items.length}] copying ${shown}`);
      await skopeo.copy(sourceOf(item, digest), destinationOf(item, digest));
      copied += 1;
    }
    entries.push({ name: item.name, ...(item.tag !== undefined ? { tag: item.tag } : {}), digest });
  }
  return { entries, copied, skipped };
}
