/**
 * Points Argo CD Applications at the fork: rewrites `repoURL`, `targetRevision` and `path` of the
 * sources that come from the Kubeflow manifests, leaving every other byte of the file alone.
 *
 * The YAML is parsed only to find where the values are; the output is the input text with those
 * value ranges spliced. This is what makes the rewrite byte-exact (comments, quoting, CRLF, flow
 * maps, document markers all survive) where a Document round trip would re-format.
 *
 * Decisions on the awkward cases:
 * - Aliases: a managed source (or its repoURL, targetRevision, path) reached through `*alias` is
 *   an error; editing the anchored node would silently change its other uses. An alias to
 *   something that is not ours is left alone. An anchored value (`&a`) is edited in place unless
 *   an alias uses it; merge keys (`<<`) in a managed source are an error.
 * - Block scalars keep `|`/`>` and their body indentation; chomping becomes `-` so no newline
 *   sneaks into the value. An explicit indentation indicator (`|2`) is an error.
 * - Plain values are checked under YAML 1.2 and 1.1 (Argo CD reads 1.1-ish Go YAML), so `yes`,
 *   `0777` and `2024-01-01` are quoted too.
 * - ApplicationSets: only `spec.template.spec` sources; generators are data and stay as they are;
 *   `pathFor` gets the ApplicationSet's own metadata (the template's name is templated).
 * - Lists: a document with an `items` sequence (`kind: List`) is expanded by Argo CD into its
 *   items, so each item is rewritten as a document of its own (fields `items[0].spec…`).
 * - JSON (`format: 'json'`): Argo CD reads `*.json` too. JSON is YAML, so the same CST splice
 *   applies; written values and an inserted targetRevision are JSON strings, and the output must
 *   still be JSON.
 * - The output is parsed again and every written value checked; a mismatch is an internal error.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { normaliseRepoURL, redactRepoURL } from './repo-url.js';
import { insertTargetRevision } from './insert-pair.js';
import { RewriteError } from './rewrite-error.js';
import { replaceJsonScalar, replaceScalar, type Locate, type TextEdit } from './scalar-text.js';

export { normaliseRepoURL } from './repo-url.js';
export { RewriteError } from './rewrite-error.js';

/** What to rewrite and what to write. */
export interface RewriteRules {
  /**
   * repoURLs whose sources are ours to rewrite: the upstream, its mirrors, and fork URLs written
   * earlier. Compared normalised (see {@link normaliseRepoURL}); `repoURL` itself always counts.
   */
  managedRepoURLs: readonly string[];
  /** The fork, written as given. */
  repoURL: string;
  /** The fork branch. */
  targetRevision: string;
  /**
   * New `path` for an Application, given its metadata.name and its identity (namespace,
   * annotations); undefined leaves the path as it is.
   */
  pathFor?: (appName: string, app: AppIdentity) => string | undefined;
}

/** What an Application says about itself, for {@link RewriteRules.pathFor} to decide by. */
export interface AppIdentity {
  readonly name: string;
  readonly namespace: string | undefined;
  /** metadata.annotations with string values. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** How the file is written: YAML (any), or JSON, which must stay JSON. */
export type SourceFormat = 'yaml' | 'json';

/** One value written. Userinfo in repoURLs is shown as `***`. */
export interface ScalarChange {
  /** Index of the YAML document in the file, from 0. */
  doc: number;
  /** metadata.name of the Application or ApplicationSet ('' when it has none). */
  app: string;
  /** Dotted path of the value, e.g. `spec.sources[1].repoURL`. */
  field: string;
  /** The old value as written; undefined when the key was missing or null. */
  from: string | undefined;
  to: string;
}

/** The rewritten text and what changed; `changes` is empty when the text is unchanged. */
export interface RewriteResult {
  text: string;
  changes: ScalarChange[];
}

interface Expectation {
  doc: number;
  path: (string | number)[];
  value: string;
}

interface Context {
  src: string;
  format: SourceFormat;
  rules: RewriteRules;
  managed: ReadonlySet<string>;
  locate: Locate;
  edits: TextEdit[];
  changes: ScalarChange[];
  expected: Expectation[];
}

interface DocContext extends Context {
  doc: Document.Parsed;
  index: number;
  app: string;
  identity: AppIdentity;
  aliased: ReadonlySet<string>;
}

const FIELDS = ['repoURL', 'targetRevision', 'path'] as const;

/**
 * Rewrites every managed git source of every Argo CD Application and ApplicationSet in `src`
 * (a multi-document YAML file) to the fork.
 *
 * A source is managed when its repoURL normalises to one of `rules.managedRepoURLs` (or to
 * `rules.repoURL`), it has no `chart` key and is not `oci://`. Its repoURL and targetRevision are
 * set, and its path when `pathFor` gives one and the source has a `path` key. A missing
 * targetRevision is inserted right after repoURL. Quote styles are kept, except that a plain
 * value that would not read back as a string (`26.03`, `true`, `a: b`) is double-quoted.
 *
 * Idempotent: rewriting the output again with the same rules returns it unchanged.
 *
 * @param fileName used in error messages only.
 * @param format `json` for a `.json` file: values are written as JSON strings.
 * @throws RewriteError on YAML (or JSON) errors, and when a managed source is reached through an
 *   alias, uses a merge key (`<<`), or has a value the rewriter cannot edit in place.
 */
export function rewriteApplications(
  src: string,
  rules: RewriteRules,
  fileName = '<input>',
  format: SourceFormat = 'yaml',
): RewriteResult {
  if (format === 'json') refuseInvalidJson(src, fileName);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(src, { keepSourceTokens: true, lineCounter, prettyErrors: false });
  const locate: Locate = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new RewriteError(`${locate(err.pos[0])}: YAML syntax error: ${err.message}`);
  }
  const ctx: Context = {
    src,
    format,
    rules,
    managed: new Set([...rules.managedRepoURLs, rules.repoURL].map(normaliseRepoURL)),
    locate,
    edits: [],
    changes: [],
    expected: [],
  };
  docs.forEach((doc, index) => {
    rewriteDocument(ctx, doc, index);
  });
  const text = applyEdits(src, ctx.edits);
  verify(text, ctx.expected, fileName, format);
  return { text, changes: ctx.changes };
}

/** Argo CD reads a `.json` file with a JSON decoder: YAML that is not JSON would not deploy. */
function refuseInvalidJson(src: string, fileName: string): void {
  if (src.trim() === '') return;
  try {
    JSON.parse(src);
  } catch (err) {
    throw new RewriteError(`${fileName}: not valid JSON (${(err as Error).message}); Argo CD cannot read it either`, {
      cause: err,
    });
  }
}

function rewriteDocument(ctx: Context, doc: Document.Parsed, index: number): void {
  const aliased = new Set<string>();
  visit(doc, {
    Alias(_, node) {
      aliased.add(node.source);
    },
  });
  const base = { ...ctx, doc, index, aliased };
  const items = listItems(doc);
  if (items === undefined) {
    rewriteObject(base, doc.contents, [], false);
    return;
  }
  items.forEach((item, k) => {
    const { node, viaAlias } = derefIn(doc, item);
    rewriteObject(base, node, ['items', k], viaAlias);
  });
}

/**
 * The items of a list document (`kind: List` and the like), which Argo CD expands as it reads a
 * directory: any document whose `items` is a sequence, as apimachinery's IsList decides.
 */
function listItems(doc: Document.Parsed): unknown[] | undefined {
  if (!isMap(doc.contents)) return undefined;
  const items = derefIn(doc, doc.contents.get('items', true)).node;
  return isSeq(items) ? items.items : undefined;
}

type DocBase = Omit<DocContext, 'app' | 'identity'>;

/** One Application or ApplicationSet: a whole document, or an item of a list at `at`. */
function rewriteObject(base: DocBase, node: unknown, at: (string | number)[], objectAliased: boolean): void {
  if (!isMap(node)) return;
  const apiVersion: unknown = node.get('apiVersion');
  const kind: unknown = node.get('kind');
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith('argoproj.io/')) return;
  const specPath =
    kind === 'Application' ? ['spec'] : kind === 'ApplicationSet' ? ['spec', 'template', 'spec'] : undefined;
  if (!specPath) return;
  const identity = identityOf(node);
  const dc: DocContext = { ...base, app: identity.name, identity };
  const spec = deref(dc, node.getIn(specPath, true));
  const inherited = objectAliased || spec.viaAlias;
  if (!isMap(spec.node)) return;
  const single = spec.node.get('source', true);
  if (single !== undefined) rewriteSource(dc, single, [...at, ...specPath, 'source'], inherited);
  const multi = deref(dc, spec.node.get('sources', true));
  if (isSeq(multi.node)) {
    multi.node.items.forEach((item, k) => {
      rewriteSource(dc, item, [...at, ...specPath, 'sources', k], inherited || multi.viaAlias);
    });
  }
}

function identityOf(node: YAMLMap): AppIdentity {
  const meta: unknown = node.get('metadata');
  const m = (isMap(meta) ? meta.toJSON() : {}) as { name?: unknown; namespace?: unknown; annotations?: unknown };
  const annotations: Record<string, string> = {};
  if (typeof m.annotations === 'object' && m.annotations !== null) {
    for (const [k, v] of Object.entries(m.annotations)) if (typeof v === 'string') annotations[k] = v;
  }
  return {
    name: typeof m.name === 'string' ? m.name : '',
    namespace: typeof m.namespace === 'string' ? m.namespace : undefined,
    annotations,
  };
}

function derefIn(doc: Document.Parsed, node: unknown): { node: unknown; viaAlias: boolean } {
  return isAlias(node) ? { node: node.resolve(doc), viaAlias: true } : { node, viaAlias: false };
}

function deref(dc: DocContext, node: unknown): { node: unknown; viaAlias: boolean } {
  return derefIn(dc.doc, node);
}

function rewriteSource(dc: DocContext, item: unknown, path: (string | number)[], parentAliased: boolean): void {
  const { node: map, viaAlias } = deref(dc, item);
  if (!isMap(map)) return;
  const field = fieldName(path);
  const repo = deref(dc, map.get('repoURL', true));
  const merged = map.items.filter((p) => isScalar(p.key) && p.key.value === '<<');
  const repoValue = isScalar(repo.node) ? repo.node.value : undefined;
  const mergedManaged = merged.some((p) => {
    const m = deref(dc, p.value).node;
    return isMap(m) && isManaged(dc, m, m.get('repoURL'));
  });
  if (!isManaged(dc, map, repoValue) && !mergedManaged) return;
  const where = dc.locate(map.range?.[0] ?? 0);
  if (viaAlias || parentAliased || repo.viaAlias) {
    throw new RewriteError(
      `${where}: ${field} is a managed source reached through a YAML alias; the rewriter edits text in place and does not follow aliases, so write the source out in full`,
    );
  }
  if (merged.length > 0) {
    throw new RewriteError(
      `${where}: ${field} is a managed source with a merge key (<<); write its repoURL, targetRevision and path out in full`,
    );
  }
  const { rules } = dc;
  const newPath = map.has('path') && dc.app !== '' ? rules.pathFor?.(dc.app, dc.identity) : undefined;
  const wanted: Record<(typeof FIELDS)[number], string | undefined> = {
    repoURL: rules.repoURL,
    targetRevision: rules.targetRevision,
    path: newPath,
  };
  for (const key of FIELDS) {
    const value = wanted[key];
    if (value === undefined) continue;
    dc.expected.push({ doc: dc.index, path: [...path, key], value });
    if (key === 'targetRevision' && !map.has(key)) {
      dc.edits.push(insertTargetRevision(dc.src, map, value, dc.locate, dc.format === 'json'));
      record(dc, `${field}.${key}`, undefined, value);
      continue;
    }
    setValue(dc, map, key, value, `${field}.${key}`);
  }
}

function isManaged(dc: DocContext, map: YAMLMap, repoValue: unknown): boolean {
  return (
    typeof repoValue === 'string' &&
    !/^\s*oci:\/\//i.test(repoValue) &&
    !map.has('chart') &&
    dc.managed.has(normaliseRepoURL(repoValue))
  );
}

function setValue(dc: DocContext, map: YAMLMap, key: string, value: string, field: string): void {
  const node: unknown = map.get(key, true);
  const at = dc.locate((node as Node | undefined)?.range?.[0] ?? map.range?.[0] ?? 0);
  if (isAlias(node))
    throw new RewriteError(`${at}: ${field} is a YAML alias (*${node.source}); write the value out in full`);
  if (!isScalar(node)) throw new RewriteError(`${at}: ${field} is not a scalar value`);
  if (node.value === value) return;
  if (node.anchor !== undefined && dc.aliased.has(node.anchor)) {
    throw new RewriteError(
      `${at}: ${field} carries the anchor &${node.anchor}, which is used elsewhere; editing it would change those values too`,
    );
  }
  dc.edits.push(
    ...(dc.format === 'json'
      ? replaceJsonScalar(node, value, dc.locate)
      : replaceScalar(dc.src, node, value, !!map.flow, dc.locate)),
  );
  record(dc, field, fromValue(node), value);
}

function fromValue(node: Scalar): string | undefined {
  if (node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? JSON.stringify(node.value);
}

function record(dc: DocContext, field: string, from: string | undefined, to: string): void {
  const secret = field.endsWith('.repoURL');
  dc.changes.push({
    doc: dc.index,
    app: dc.app,
    field,
    from: secret && from !== undefined ? redactRepoURL(from) : from,
    to: secret ? redactRepoURL(to) : to,
  });
}

function fieldName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function applyEdits(src: string, edits: TextEdit[]): string {
  // From the end backwards, so earlier offsets stay valid; an insertion at the end of a replaced
  // range (targetRevision after repoURL) is applied first and so lands after the replacement.
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = src;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Re-reads the output: a value that did not come out as the intended string is a bug, not a file problem. */
function verify(text: string, expected: Expectation[], fileName: string, format: SourceFormat): void {
  if (expected.length === 0) return;
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      throw new Error(`${fileName}: internal error: after rewriting, the file is no longer JSON`, { cause: err });
    }
  }
  const docs = parseAllDocuments(text, { prettyErrors: false });
  for (const e of expected) {
    const doc = docs[e.doc];
    const got: unknown = doc && doc.errors.length === 0 ? doc.getIn(e.path) : undefined;
    if (got !== e.value) {
      throw new Error(
        `${fileName}: internal error: after rewriting, ${fieldName(e.path)} of document ${e.doc} reads ${JSON.stringify(got)}, expected ${JSON.stringify(e.value)}`,
      );
    }
  }
}
