/**
 * Property test: random Application files (see generate-applications.ts) rewritten must
 * (a) be a fixed point of a second rewrite, (b) read back as the input with only the managed
 * sources' fields changed, (c) equal the input byte for byte outside the edited scalars and the
 * inserted targetRevision, located independently through the CST of input and output, and
 * (d) keep unmanaged sources and non-Argo documents byte-identical.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseAllDocuments, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { rewriteApplications, type RewriteRules } from '../../../installer/rewrite/rewrite-applications.js';
import {
  fileArb,
  isArgoDoc,
  isManaged,
  MANAGED,
  renderFile,
  sourcePaths,
  type FileModel,
} from './generate-applications.js';
import { toJS } from './helpers.js';

const FORKS = ['https://git.example.com/acme/manifests.git', 'git@git.example.com:acme/manifests'];
const TARGETS = ['kubeflow-gitops', '26.03', 'v1.11.0', 'true', 'a: b', "it's", 'x #y', '1e3', 'v1.10.2'];

const rulesArb: fc.Arbitrary<RewriteRules> = fc
  .record({
    fork: fc.constantFrom(...FORKS),
    target: fc.constantFrom(...TARGETS),
    paths: fc.constantFrom('none', 'named', 'numeric', 'some'),
  })
  .map(({ fork, target, paths }) => ({
    managedRepoURLs: MANAGED,
    repoURL: fork,
    targetRevision: target,
    pathFor:
      paths === 'none'
        ? undefined
        : (name: string): string | undefined =>
            paths === 'named'
              ? `kubeflow-apps/${name}`
              : paths === 'numeric'
                ? '26.03'
                : name === 'katib'
                  ? undefined
                  : `apps/${name}`,
  }));

interface Slot {
  start: number;
  end: number;
}

type Path = (string | number)[];

function parse(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { keepSourceTokens: true });
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs;
}

function tokenSlot(node: unknown): Slot {
  const token = (node as Scalar).srcToken;
  if (!token || !('source' in token) || typeof token.source !== 'string')
    throw new Error('expected a flow scalar token');
  return { start: token.offset, end: token.offset + token.source.length };
}

function pathFor(rules: RewriteRules, name: string, hasPath: boolean): string | undefined {
  return hasPath ? rules.pathFor?.(name, { name, namespace: undefined, annotations: {} }) : undefined;
}

/**
 * The ranges the rewriter may change, found from the model and the file's own CST: the values of
 * repoURL, targetRevision and (when moved) path of every managed source; for a targetRevision the
 * input lacks, an empty slot where it goes (input) or the inserted text (output).
 */
function editSlots(
  text: string,
  docs: Document.Parsed[],
  file: FileModel,
  rules: RewriteRules,
  side: 'in' | 'out',
): Slot[] {
  const slots: Slot[] = [];
  file.docs.forEach((d, i) => {
    if (!isArgoDoc(d)) return;
    sourcePaths(d).forEach((path, k) => {
      const s = d.sources[k]!;
      if (!isManaged(s)) return;
      const map = docs[i]!.getIn(path, true) as YAMLMap;
      const repo = tokenSlot(map.get('repoURL', true));
      slots.push(repo);
      if (pathFor(rules, d.name, s.path !== undefined) !== undefined) slots.push(tokenSlot(map.get('path', true)));
      if (s.targetRevision !== undefined) {
        slots.push(tokenSlot(map.get('targetRevision', true)));
      } else if (map.flow) {
        slots.push({ start: repo.end, end: side === 'in' ? repo.end : tokenSlot(map.get('targetRevision', true)).end });
      } else if (side === 'in') {
        const nl = text.indexOf('\n', repo.end);
        const at = nl < 0 ? text.length : nl + 1;
        slots.push({ start: at, end: at });
      } else {
        const pair = map.items.find((p) => isScalar(p.key) && p.key.value === 'targetRevision')!;
        const lineStart = text.lastIndexOf('\n', (pair.key as Node).range![0] - 1) + 1;
        const nl = text.indexOf('\n', tokenSlot(pair.value).end);
        // At the end of a file without a final newline the line break comes before the new line.
        const start = nl < 0 ? lineStart - (text[lineStart - 2] === '\r' ? 2 : 1) : lineStart;
        slots.push({ start, end: nl < 0 ? text.length : nl + 1 });
      }
    });
  });
  return slots.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The text between the slots: must be the same on both sides. */
function gaps(text: string, slots: Slot[]): string[] {
  const out: string[] = [];
  let pos = 0;
  for (const s of slots) {
    expect(s.start).toBeGreaterThanOrEqual(pos);
    out.push(text.slice(pos, s.start));
    pos = s.end;
  }
  out.push(text.slice(pos));
  return out;
}

function setIn(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

function getIn(root: unknown, path: Path): unknown {
  let node = root as Record<string | number, unknown> | undefined;
  for (const key of path) node = node?.[key] as Record<string | number, unknown> | undefined;
  return node;
}

/** Input JS with the managed fields set, and the `doc:field` list the rewrite must report. */
function expected(file: FileModel, input: unknown[], rules: RewriteRules): { js: unknown[]; changed: string[] } {
  const js = structuredClone(input);
  const changed: string[] = [];
  file.docs.forEach((d, i) => {
    if (!isArgoDoc(d)) return;
    sourcePaths(d).forEach((path, k) => {
      const s = d.sources[k]!;
      if (!isManaged(s)) return;
      const want: [string, string | undefined][] = [
        ['repoURL', rules.repoURL],
        ['targetRevision', rules.targetRevision],
        ['path', pathFor(rules, d.name, s.path !== undefined)],
      ];
      for (const [key, value] of want) {
        if (value === undefined) continue;
        const field = [...path, key];
        if (getIn(input[i], field) !== value)
          changed.push(
            `${i}:${field
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
              .join('')
              .slice(1)
              .replace(/\.\[/g, '[')}`,
          );
        setIn(js[i], field, value);
      }
    });
  });
  return { js, changed };
}

describe('rewriteApplications properties', () => {
  it('generated files are rewritten exactly, idempotently and only where intended', () => {
    fc.assert(
      fc.property(fileArb, rulesArb, (file, rules) => {
        const input = renderFile(file);
        const inDocs = parse(input);
        const result = rewriteApplications(input, rules, 'generated.yaml');
        const output = result.text;
        const outDocs = parse(output);
        const inJS = inDocs.map((d) => d.toJS() as unknown);

        // (a) idempotent
        const again = rewriteApplications(output, rules);
        expect(again.changes).toEqual([]);
        expect(again.text).toBe(output);

        // (b) reads back as intended, and the report says exactly what changed
        const want = expected(file, inJS, rules);
        expect(outDocs.map((d) => d.toJS() as unknown)).toEqual(want.js);
        expect(result.changes.map((c) => `${c.doc}:${c.field}`)).toEqual(want.changed);
        expect(JSON.stringify(result.changes)).not.toContain('s3cret');

        // (c) byte-identical outside the edited scalars
        const inSlots = editSlots(input, inDocs, file, rules, 'in');
        const outSlots = editSlots(output, outDocs, file, rules, 'out');
        expect(outSlots.length).toBe(inSlots.length);
        expect(gaps(output, outSlots)).toEqual(gaps(input, inSlots));
        if (want.changed.length === 0) expect(output).toBe(input);

        // (d) unmanaged sources and other documents byte-identical
        file.docs.forEach((d, i) => {
          const span = (text: string, n: { range?: [number, number, number] | null } | undefined): string =>
            text.slice(n?.range?.[0], n?.range?.[2]);
          if (!isArgoDoc(d)) {
            expect(span(output, outDocs[i])).toBe(span(input, inDocs[i]));
            return;
          }
          sourcePaths(d).forEach((path, k) => {
            if (isManaged(d.sources[k]!)) return;
            const a = inDocs[i]!.getIn(path, true);
            const b = outDocs[i]!.getIn(path, true);
            expect(isMap(a) && isMap(b)).toBe(true);
            expect(span(output, b as YAMLMap)).toBe(span(input, a as YAMLMap));
          });
        });

        // A later run with another fork, the first one listed as managed, moves every managed source again.
        const next = {
          ...rules,
          managedRepoURLs: [...MANAGED, rules.repoURL],
          repoURL: 'https://other.example.com/x/manifests',
        };
        const moved = toJS(rewriteApplications(output, next).text);
        const movedWant = expected(file, inJS, next).js;
        expect(moved).toEqual(movedWant);
      }),
      { numRuns: 200, seed: 20260315 },
    );
    // 200 runs take ~1 s alone; a busy 2-core CI machine needs more than vitest's default 5 s.
  }, 60_000);
});
