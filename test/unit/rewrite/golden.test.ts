/**
 * Golden tests: each `test/fixtures/rewrite/<case>.yaml` (or `.json`) rewritten must equal `<case>.golden.yaml`
 * byte for byte. `UPDATE_GOLDEN=1 npx vitest run test/unit/rewrite` writes the goldens instead;
 * review their diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rewriteApplications, type RewriteRules } from '../../../installer/rewrite/rewrite-applications.js';
import { applyChanges, baseRules, FORK, toJS } from './helpers.js';

const dir = fileURLToPath(new URL('../../fixtures/rewrite/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

interface Case {
  name: string;
  /** The fixture's extension; `json` files are rewritten as JSON. */
  ext?: 'yaml' | 'json';
  rules?: Partial<RewriteRules>;
  /** Every field the rewrite must report, as `doc:field`, in order. */
  changed: string[];
}

const src = (doc: number, field: string, what: ('repoURL' | 'targetRevision' | 'path')[]): string[] =>
  what.map((w) => `${doc}:${field}.${w}`);

const CASES: Case[] = [
  { name: 'single-source', changed: src(0, 'spec.source', ['repoURL', 'targetRevision', 'path']) },
  {
    name: 'multi-sources',
    changed: [
      ...src(0, 'spec.sources[1]', ['repoURL', 'targetRevision']),
      ...src(0, 'spec.sources[2]', ['repoURL', 'targetRevision', 'path']),
    ],
  },
  { name: 'oci-source', changed: src(0, 'spec.sources[2]', ['repoURL', 'targetRevision']) },
  { name: 'user-app', changed: [] },
  {
    name: 'flow-source',
    changed: [
      ...src(0, 'spec.source', ['repoURL', 'targetRevision']),
      ...src(1, 'spec.sources[0]', ['repoURL', 'targetRevision', 'path']),
      ...src(1, 'spec.sources[1]', ['repoURL', 'targetRevision']),
      ...src(1, 'spec.sources[2]', ['repoURL', 'targetRevision', 'path']),
    ],
  },
  { name: 'quoted-values', changed: src(0, 'spec.source', ['repoURL', 'targetRevision']) },
  {
    name: 'crlf',
    rules: { targetRevision: '26.03' },
    changed: [
      ...src(0, 'spec.source', ['repoURL', 'targetRevision']),
      ...src(1, 'spec.sources[0]', ['repoURL', 'targetRevision']),
    ],
  },
  {
    name: 'multi-doc',
    changed: [
      ...src(0, 'spec.source', ['repoURL', 'targetRevision']),
      ...src(4, 'spec.source', ['repoURL', 'targetRevision']),
    ],
  },
  {
    name: 'missing-target-revision',
    changed: [
      ...src(0, 'spec.source', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'spec.sources[0]', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'spec.sources[1]', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'spec.sources[2]', ['repoURL', 'targetRevision']),
      ...src(0, 'spec.sources[3]', ['repoURL', 'targetRevision']),
    ],
  },
  {
    name: 'numeric-revision',
    rules: { targetRevision: '26.03' },
    changed: [
      ...src(0, 'spec.sources[0]', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'spec.sources[1]', ['repoURL', 'targetRevision']),
      ...src(0, 'spec.sources[2]', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'spec.sources[3]', ['repoURL', 'targetRevision', 'path']),
    ],
  },
  { name: 'applicationset', changed: src(0, 'spec.template.spec.source', ['repoURL', 'targetRevision']) },
  { name: 'block-scalars', changed: src(0, 'spec.source', ['repoURL', 'targetRevision', 'path']) },
  { name: 'anchors', changed: src(0, 'spec.source', ['repoURL', 'targetRevision']) },
  {
    name: 'repo-url-spellings',
    // sources[4] is on the earlier fork and already on the fork branch; sources[5] is not ours.
    changed: [0, 1, 2, 3]
      .flatMap((i) => src(0, `spec.sources[${i}]`, ['repoURL', 'targetRevision', 'path']))
      .concat(src(0, 'spec.sources[4]', ['repoURL', 'path'])),
  },
  {
    name: 'list',
    // items[1] is a ConfigMap, items[2] points elsewhere; the ApplicationSet's templated path stays.
    changed: [
      ...src(0, 'items[0].spec.source', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'items[3].spec.template.spec.sources[0]', ['repoURL', 'targetRevision']),
    ],
  },
  {
    name: 'json-app',
    ext: 'json',
    changed: [
      ...src(0, 'spec.sources[0]', ['repoURL', 'targetRevision', 'path']),
      ...src(0, 'spec.sources[1]', ['repoURL', 'targetRevision', 'path']),
    ],
  },
  { name: 'json-list', ext: 'json', changed: src(0, 'items[0].spec.source', ['repoURL', 'targetRevision', 'path']) },
];

describe('rewriteApplications golden files', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const ext = c.ext ?? 'yaml';
      const input = readFileSync(`${dir}${c.name}.${ext}`, 'utf8');
      const goldenFile = `${dir}${c.name}.golden.${ext}`;
      const rules = baseRules(c.rules);
      const result = rewriteApplications(input, rules, `${c.name}.${ext}`, ext);

      it('matches the golden file byte for byte', () => {
        if (update || !existsSync(goldenFile)) writeFileSync(goldenFile, result.text);
        expect(result.text).toBe(readFileSync(goldenFile, 'utf8'));
      });

      it('reports exactly the intended fields', () => {
        expect(result.changes.map((ch) => `${ch.doc}:${ch.field}`)).toEqual(c.changed);
      });

      it('reads back as the input with only the reported values changed', () => {
        expect(toJS(result.text)).toEqual(applyChanges(toJS(input), result.changes));
      });

      if (ext === 'json')
        it('stays JSON', () => {
          expect(JSON.parse(result.text)).toEqual(applyChanges([JSON.parse(input)], result.changes)[0]);
        });

      it('is idempotent', () => {
        const again = rewriteApplications(result.text, rules, `${c.name}.golden.${ext}`, ext);
        expect(again.changes).toEqual([]);
        expect(again.text).toBe(result.text);
      });

      it('moves to a newer fork when the earlier one is listed as managed', () => {
        const next = 'git@git.example.com:acme/manifests-v2.git';
        const moved = rewriteApplications(
          result.text,
          { ...rules, managedRepoURLs: [...rules.managedRepoURLs, FORK], repoURL: next },
          `${c.name}.${ext}`,
          ext,
        );
        const repoChanges = result.changes.filter((ch) => ch.field.endsWith('.repoURL'));
        expect(moved.changes.map((ch) => [ch.doc, ch.field, ch.to])).toEqual(
          repoChanges.map((ch) => [ch.doc, ch.field, next]),
        );
      });
    });
  }
});

describe('golden specifics', () => {
  const run = (name: string, rules: Partial<RewriteRules> = {}): { input: string; docs: unknown[] } => {
    const input = readFileSync(`${dir}${name}.yaml`, 'utf8');
    return { input, docs: toJS(rewriteApplications(input, baseRules(rules)).text) };
  };

  it('leaves a user Application pointing elsewhere byte-identical', () => {
    const input = readFileSync(`${dir}user-app.yaml`, 'utf8');
    expect(rewriteApplications(input, baseRules()).text).toBe(input);
  });

  it('writes numeric-looking revisions as strings', () => {
    const { docs } = run('numeric-revision', { targetRevision: '26.03' });
    const sources = (docs[0] as { spec: { sources: { targetRevision: unknown }[] } }).spec.sources;
    expect(sources.map((s) => s.targetRevision)).toEqual(['26.03', '26.03', '26.03', '26.03']);
  });

  it('keeps CRLF line endings everywhere, including the inserted line', () => {
    const input = readFileSync(`${dir}crlf.yaml`, 'utf8');
    const out = rewriteApplications(input, baseRules({ targetRevision: '26.03' })).text;
    expect(out.split('\r\n').length).toBe(input.split('\r\n').length + 1);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(out).toContain('\r\n    targetRevision: "26.03"\r\n');
  });

  it('keeps a file without a trailing newline that way', () => {
    const input = readFileSync(`${dir}multi-doc.yaml`, 'utf8');
    expect(input.endsWith('\n')).toBe(false);
    const out = rewriteApplications(input, baseRules()).text;
    expect(
      out.endsWith('    targetRevision: kubeflow-gitops\n    path: common/istio/kubeflow-istio-resources/base'),
    ).toBe(true);
  });

  it('leaves Helm chart and OCI sources untouched', () => {
    const { docs } = run('multi-sources');
    const helm = (docs[0] as { spec: { sources: Record<string, unknown>[] } }).spec.sources[0];
    expect(helm).toMatchObject({
      repoURL: 'https://github.com/kubeflow/manifests',
      chart: 'kserve-crd',
      targetRevision: 'v0.15.0',
    });
    const oci = (run('oci-source').docs[0] as { spec: { sources: Record<string, unknown>[] } }).spec.sources;
    expect(oci[0]).toEqual({ repoURL: 'oci://ghcr.io/kubeflow/manifests', targetRevision: 26.03, path: '.' });
    expect(oci[1]).toEqual({ repoURL: 'OCI://github.com/kubeflow/manifests', path: 'trainer' });
  });

  it('redacts credentials in reported changes but writes the file as told', () => {
    const input = readFileSync(`${dir}repo-url-spellings.yaml`, 'utf8');
    const { text, changes } = rewriteApplications(input, baseRules());
    expect(JSON.stringify(changes)).not.toContain('ghp_secret');
    expect(changes.find((c) => c.field === 'spec.sources[2].repoURL')?.from).toBe(
      'https://***@GitHub.com/kubeflow/manifests.git/',
    );
    expect(text).not.toContain('ghp_secret');
  });
});
