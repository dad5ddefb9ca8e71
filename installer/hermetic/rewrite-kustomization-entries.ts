/**
 * Byte-exact edits of kustomization entries: only the entry scalars change; comments, quoting,
 * indentation and every other byte of the file stay as they were (the fork's diff shows just the URLs).
 */
import { Composer, CST, isMap, isScalar, isSeq, Parser } from 'yaml';
import type { EntryField } from './find-remote-resources.js';

/** One entry to replace: `from` must still be the value at `field[index]`. */
export interface EntryEdit {
  field: EntryField;
  index: number;
  from: string;
  to: string;
}

/** The file no longer holds what the plan expected (edited meanwhile, or a stale plan). */
export class EntryRewriteError extends Error {
  override readonly name = 'EntryRewriteError';
}

/**
 * Returns `text` with each edit applied through the YAML CST.
 *
 * @throws EntryRewriteError when an entry is not where the plan says or the result would not re-read
 *   as the intended values.
 */
export function rewriteKustomizationEntries(text: string, edits: readonly EntryEdit[], file: string): string {
  if (edits.length === 0) return text;
  const tokens = Array.from(new Parser().parse(text));
  const docs = Array.from(new Composer({ keepSourceTokens: true }).compose(tokens));
  const doc = docs[0];
  if (docs.length !== 1 || doc === undefined || doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new EntryRewriteError(`cannot edit ${file}: it is not a single YAML mapping; fix the file and run again`);
  }
  for (const edit of edits) {
    const seq = doc.contents.get(edit.field, true);
    const item = isSeq(seq) ? seq.items[edit.index] : undefined;
    if (!isScalar(item) || item.value !== edit.from || item.srcToken === undefined) {
      throw new EntryRewriteError(
        `cannot edit ${file}: expected ${edit.field}[${edit.index}] to be "${edit.from}"; the file changed since it was read, run again`,
      );
    }
    CST.setScalarValue(item.srcToken, edit.to);
  }
  const out = tokens.map((t) => CST.stringify(t)).join('');
  verify(out, edits, file);
  return out;
}

function verify(out: string, edits: readonly EntryEdit[], file: string): void {
  const doc = Array.from(new Composer().compose(new Parser().parse(out)))[0];
  const contents = doc?.contents;
  for (const edit of edits) {
    const seq = isMap(contents) ? contents.get(edit.field, true) : undefined;
    const item = isSeq(seq) ? seq.items[edit.index] : undefined;
    if (!isScalar(item) || item.value !== edit.to) {
      throw new EntryRewriteError(
        `editing ${file} would not give ${edit.field}[${edit.index}] = "${edit.to}"; report this with the file attached`,
      );
    }
  }
}
