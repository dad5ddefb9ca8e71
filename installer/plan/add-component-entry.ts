/**
 * Adds a local kustomize Component (a folder beside the overlay) to an overlay's `components:` list,
 * keeping every other byte's meaning and the user's comments: the overlay is the user's file, so the
 * installer only ever appends its own entry, once. Pure.
 */
import { isSeq, parseDocument } from 'yaml';
import { UserError } from '../core/errors.js';

export function withComponentEntry(kustomization: string, entry: string, path: string, why: string): string {
  const doc = parseDocument(kustomization);
  if (doc.errors.length > 0)
    throw new UserError(`${path}: ${doc.errors[0]?.message ?? 'does not parse'}; fix it, then re-run`);
  const list = doc.get('components', true);
  if (isSeq(list)) {
    if (list.items.some((i) => (i as { value?: unknown } | null)?.value === entry || i === entry)) return kustomization;
    const node = doc.createNode(entry);
    node.commentBefore = ` ${why}`;
    list.items.push(node);
  } else if (list === undefined || list === null) {
    const seq = doc.createNode([entry]);
    if (isSeq(seq) && seq.items[0] && typeof seq.items[0] === 'object')
      (seq.items[0] as { commentBefore?: string }).commentBefore = ` ${why}`;
    doc.set('components', seq);
  } else {
    throw new UserError(`${path}: "components" is not a list; make it one, then re-run`);
  }
  return doc.toString({ lineWidth: 0 });
}
