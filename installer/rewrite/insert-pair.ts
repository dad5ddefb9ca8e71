/**
 * The one structural edit the rewriter makes: adding `targetRevision` to a managed source that has
 * none, so the fork branch is used instead of the fork's default branch.
 */
import { CST, isScalar, type Scalar, type YAMLMap } from 'yaml';
import { RewriteError } from './rewrite-error.js';
import {
  blockBodyStart,
  blockContentLength,
  scalarText,
  styleOf,
  tokenEnd,
  type Locate,
  type TextEdit,
} from './scalar-text.js';

/**
 * An edit adding `targetRevision: <value>` right after the `repoURL` pair of `map`: on its own
 * line with the indentation of the map's keys (block map), or as `, targetRevision: <value>`
 * (flow map). The value takes repoURL's quote style when that reads back as a string; in a JSON
 * file (`json`) key and value are JSON strings.
 */
export function insertTargetRevision(src: string, map: YAMLMap, value: string, locate: Locate, json = false): TextEdit {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === 'repoURL');
  const key = pair?.key as Scalar | undefined;
  const repo = pair?.value;
  const keyToken = key?.srcToken;
  const valueToken = isScalar(repo) ? repo.srcToken : undefined;
  const where = locate(map.range?.[0] ?? 0);
  if (!keyToken || !valueToken) throw new RewriteError(`${where}: cannot find repoURL to add targetRevision after`);
  const style = styleOf(valueToken);
  if (json) {
    const end = tokenEnd(valueToken);
    return { start: end, end, text: `, "targetRevision": ${JSON.stringify(value)}` };
  }
  if (map.flow) {
    const end = tokenEnd(valueToken);
    return { start: end, end, text: `, targetRevision: ${scalarText(value, style, true, 0)}` };
  }
  const item =
    map.srcToken && 'items' in map.srcToken
      ? (map.srcToken.items as CST.CollectionItem[]).find((i) => i.key === keyToken)
      : undefined;
  if (!item || 'explicitKey' in item)
    throw new RewriteError(
      `${where}: repoURL is written as an explicit key (? repoURL); write it as repoURL: <url> so targetRevision can be added`,
    );
  const col = keyColumn(src, map, keyToken.offset);
  const { at, breakBefore, eol } = lineAfter(src, valueToken);
  const line = `${' '.repeat(col)}targetRevision: ${scalarText(value, style, false, col)}`;
  return { start: at, end: at, text: breakBefore ? `${eol}${line}` : `${line}${eol}` };
}

/** Column of the map's keys: that of a key starting its own line, else repoURL's (`- repoURL:`). */
function keyColumn(src: string, map: YAMLMap, fallback: number): number {
  for (const p of map.items) {
    const offset = isScalar(p.key) ? p.key.range?.[0] : undefined;
    if (offset === undefined) continue;
    const lineStart = src.lastIndexOf('\n', offset - 1) + 1;
    if (/^ *$/.test(src.slice(lineStart, offset))) return offset - lineStart;
  }
  return fallback - (src.lastIndexOf('\n', fallback - 1) + 1);
}

/** Where the line after repoURL's value starts, and the line break the file uses there. */
function lineAfter(src: string, token: CST.Token): { at: number; breakBefore: boolean; eol: string } {
  const fileEol = src.includes('\r\n') ? '\r\n' : '\n';
  let end = tokenEnd(token);
  if (token.type === 'block-scalar') {
    // After the last content line: trailing blank lines belong below the new pair.
    end = blockBodyStart(token) + blockContentLength(token.source);
    if (src[end - 1] === '\n') return { at: end, breakBefore: false, eol: src[end - 2] === '\r' ? '\r\n' : '\n' };
  }
  const nl = src.indexOf('\n', end);
  if (nl < 0) return { at: src.length, breakBefore: true, eol: fileEol };
  return { at: nl + 1, breakBefore: false, eol: src[nl - 1] === '\r' ? '\r\n' : '\n' };
}
