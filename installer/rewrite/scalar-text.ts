/**
 * Source text for edited scalar values. Every edit is a splice of the original text, so nothing
 * outside the replaced range can change.
 */
import { CST, parseDocument, type Scalar } from 'yaml';
import { RewriteError } from './rewrite-error.js';

/** Replace `[start, end)` of the source with `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Where in the file an edit happens, for error messages. */
export type Locate = (offset: number) => string;

type Style = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE';

const plainCache = new Map<string, boolean>();

/**
 * Whether `value`, written as a plain scalar, reads back as exactly this string. Checked under
 * YAML 1.2 (core) and YAML 1.1, because Argo CD and kubectl read manifests with Go YAML 1.1 rules,
 * where `yes`, `0777`, `12:30` and `2024-01-01` are not strings either.
 */
export function plainIsString(value: string, inFlow: boolean): boolean {
  const key = `${inFlow ? 'f' : 'b'}${value}`;
  let ok = plainCache.get(key);
  if (ok === undefined) {
    ok = value !== '' && !/[\r\n\t]/.test(value) && readsBack(value, inFlow, '1.2') && readsBack(value, inFlow, '1.1');
    plainCache.set(key, ok);
  }
  return ok;
}

function readsBack(value: string, inFlow: boolean, version: '1.1' | '1.2'): boolean {
  // Whatever followed the old value stays in place: a comment, a comma, a closing brace.
  const texts = inFlow
    ? [`{k: ${value}}`, `{k: ${value},j: 1}`, `{k: ${value} , j: 1}`, `{\nk: ${value} # c\n}`]
    : [`k: ${value}`, `k: ${value} # c\n`, `- k: ${value}\n  j: 1\n`];
  return texts.every((text) => {
    const doc = parseDocument(text, { version, uniqueKeys: false });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return false;
    const read: unknown = text.startsWith('-') ? doc.getIn([0, 'k']) : doc.get('k');
    return read === value;
  });
}

/** A scalar in `style`, falling back to double quotes when plain would not read back as a string. */
export function scalarText(value: string, style: Style, inFlow: boolean, indent: number): string {
  if (style === 'PLAIN' && plainIsString(value, inFlow)) return value;
  const type = style === 'QUOTE_SINGLE' ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
  const token = CST.createScalarToken(value, { type, indent, inFlow });
  return token.source;
}

/** Offset just past `token`'s own text. */
export function tokenEnd(token: CST.Token): number {
  if (token.type === 'block-scalar') return blockBodyStart(token) + token.source.length;
  return 'source' in token && typeof token.source === 'string' ? token.offset + token.source.length : token.offset;
}

/** Offset where a block scalar's body starts: after its header line. */
export function blockBodyStart(token: CST.BlockScalar): number {
  const last = token.props[token.props.length - 1];
  return last ? tokenEnd(last) : token.offset;
}

/** Length of a block scalar body up to and including its last line with content. */
export function blockContentLength(body: string): number {
  const m = /\S[^\n]*(\n|$)(?![\s\S]*\S)/.exec(body);
  return m ? m.index + m[0].length : 0;
}

/** The style to keep when replacing `token`. */
export function styleOf(token: CST.Token | undefined): Style {
  if (token?.type === 'single-quoted-scalar') return 'QUOTE_SINGLE';
  if (token?.type === 'double-quoted-scalar') return 'QUOTE_DOUBLE';
  return 'PLAIN';
}

/**
 * Edits that make `node` hold `value` while keeping its style (plain, quoted or block), its
 * props (anchor, tag) and everything around it.
 */
export function replaceScalar(src: string, node: Scalar, value: string, inFlow: boolean, locate: Locate): TextEdit[] {
  const token = node.srcToken;
  if (!token) {
    // `key:` with nothing after it: the value is an empty null scalar.
    const at = node.range?.[0];
    if (at === undefined) throw new RewriteError(`${locate(0)}: cannot locate an empty value in the source`);
    return [{ start: at, end: at, text: (src[at - 1] === ':' ? ' ' : '') + scalarText(value, 'PLAIN', inFlow, 0) }];
  }
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      return [
        {
          start: token.offset,
          end: token.offset + token.source.length,
          text: scalarText(value, styleOf(token), inFlow, token.indent),
        },
      ];
    case 'block-scalar':
      return replaceBlockScalar(src, token, value, locate);
    default:
      throw new RewriteError(`${locate(token.offset)}: expected a scalar value, found ${token.type}`);
  }
}

/** In a JSON file: the value's token (a string, number, boolean or null) becomes a JSON string. */
export function replaceJsonScalar(node: Scalar, value: string, locate: Locate): TextEdit[] {
  const token = node.srcToken;
  if (token?.type !== 'double-quoted-scalar' && token?.type !== 'scalar')
    throw new RewriteError(`${locate(node.range?.[0] ?? 0)}: expected a JSON value`);
  return [{ start: token.offset, end: token.offset + token.source.length, text: JSON.stringify(value) }];
}

/**
 * Keeps `|`/`>` and the body's indentation. The header's chomping becomes `-` so the value has no
 * trailing newline; blank lines after the body stay where they are.
 */
function replaceBlockScalar(src: string, token: CST.BlockScalar, value: string, locate: Locate): TextEdit[] {
  const header = token.props[0];
  const where = locate(token.offset);
  if (header?.type !== 'block-scalar-header') throw new RewriteError(`${where}: block scalar without a header`);
  if (/\d/.test(header.source)) {
    throw new RewriteError(
      `${where}: block scalar with an explicit indentation indicator (${header.source}) cannot be rewritten; use a plain or quoted value`,
    );
  }
  if (value === '' || /^[ \t]|[\r\n]/.test(value)) {
    throw new RewriteError(
      `${where}: the new value cannot be written as a one-line block scalar; use a plain or quoted value`,
    );
  }
  const bodyStart = blockBodyStart(token);
  const body = token.source;
  const content = /^([ ]*)\S/m.exec(body);
  if (!content) throw new RewriteError(`${where}: empty block scalar cannot be rewritten; use a plain or quoted value`);
  // Blank lines after the last content line stay outside the new value.
  const contentEnd = blockContentLength(body);
  const eol = /\r?\n/.exec(body.slice(content.index))?.[0] ?? '';
  if (src.slice(bodyStart, bodyStart + body.length) !== body)
    throw new RewriteError(`${where}: block scalar offsets do not match the source`);
  return [
    { start: header.offset, end: header.offset + header.source.length, text: `${header.source[0] ?? '|'}-` },
    { start: bodyStart, end: bodyStart + contentEnd, text: `${content[1] ?? ''}${value}${eol}` },
  ];
}
