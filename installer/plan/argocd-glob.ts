/**
 * The two pattern languages Argo CD matches its settings with, as it does. Sync windows, project
 * destinations, destination service accounts and resource exclusions go through
 * github.com/gobwas/glob (util/glob/glob.go: `*` and `?` cross every character unless separators
 * are given, `**`, `[a-z]`, `[!a-z]`, `{a,b}`, `\` escapes); an AppProject's resource white- and
 * blacklists go through Go's path/filepath.Match (pkg/apis/application/v1alpha1/types.go
 * isResourceInList: `*` and `?` stop at `/`, `[^a-z]`, no braces). Neither is what npm's glob
 * libraries implement (they treat `/` as a path separator, hide dotfiles and add extglobs), so both
 * are translated to a regular expression here. A pattern that does not compile matches nothing, as
 * in Argo CD (glob.Match logs and returns false; filepath.Match returns ErrBadPattern, taken as no match).
 */

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** gobwas/glob's syntax as a regular expression source, or undefined when the pattern does not compile. */
function gobwasSource(pattern: string, separators: string): string | undefined {
  const notSep = separators === '' ? '[^]' : `[^${escape(separators)}]`;
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      out += escape(pattern.charAt(++i));
    } else if (c === '*') {
      const superStar = pattern.charAt(i + 1) === '*';
      if (superStar) i++;
      out += superStar ? '[^]*' : `${notSep}*`;
    } else if (c === '?') out += notSep;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      if (body === '') return undefined;
      const ranges = body.replace(/(.)-(.)|(.)/g, (_m, a?: string, b?: string, one?: string) =>
        one !== undefined ? escape(one) : `${escape(a ?? '')}-${escape(b ?? '')}`,
      );
      out += negated ? `[^${ranges}]` : `[${ranges}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += escape(c);
  }
  return depth === 0 ? out : undefined;
}

/** gobwas/glob.Match(pattern, value, separators...) as Argo CD's util/glob calls it. */
export function globMatch(pattern: string, value: string, separators = ''): boolean {
  const source = gobwasSource(pattern, separators);
  return source !== undefined && test(source, value);
}

/**
 * pkg/apis/application/v1alpha1/app_project_types.go globMatch: `!pattern` (when negation is
 * allowed) is true for every value the rest does not match, and `*` matches everything.
 */
export function argoGlobMatch(pattern: string, value: string, allowNegation: boolean, separators = ''): boolean {
  if (allowNegation && isDenyPattern(pattern)) return !globMatch(pattern.slice(1), value, separators);
  if (pattern === '*') return true;
  return globMatch(pattern, value, separators);
}

export const isDenyPattern = (pattern: string | undefined): boolean => pattern?.startsWith('!') === true;

/** Go's path/filepath.Match on Linux: `*` and `?` never match `/`; a bad pattern matches nothing. */
export function pathMatch(pattern: string, value: string): boolean {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      out += escape(pattern.charAt(++i));
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      const ranges = body.replace(/\\?(.)-\\?(.)|\\?(.)/g, (_m, a?: string, b?: string, one?: string) =>
        one !== undefined ? escape(one) : `${escape(a ?? '')}-${escape(b ?? '')}`,
      );
      out += negated ? `[^/${ranges}]` : `[${ranges}]`;
      i = end;
    } else out += escape(c);
  }
  return test(out, value);
}

/** A reversed range (`[z-a]`) does not compile: no match, as in both Go matchers. */
function test(source: string, value: string): boolean {
  try {
    return new RegExp(`^${source}$`).test(value);
  } catch {
    return false;
  }
}
