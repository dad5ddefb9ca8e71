/** Shared by the rewriter tests: reading YAML back as plain JS and replaying reported changes on it. */
import { parseAllDocuments } from 'yaml';
import type { RewriteRules, ScalarChange } from '../../../installer/rewrite/rewrite-applications.js';

export const UPSTREAM = 'https://github.com/kubeflow/manifests';
export const FORK = 'https://git.example.com/acme/kubeflow-manifests.git';

/** Every document of `text` as plain JS; fails the test on YAML errors. */
export function toJS(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`output does not parse: ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  });
}

/** `spec.sources[1].repoURL` → ['spec', 'sources', 1, 'repoURL'] */
export function fieldPath(field: string): (string | number)[] {
  return field.split(/\.|(?=\[)/).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p));
}

/** `docs` with every change's `to` written at its field: what the output must read as. */
export function applyChanges(docs: unknown[], changes: readonly ScalarChange[]): unknown[] {
  const out = structuredClone(docs);
  for (const c of changes) {
    const path = fieldPath(c.field);
    let node = out[c.doc] as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path[path.length - 1]!] = c.to;
  }
  return out;
}

/** The rules most tests use: upstream, a mirror and an earlier fork are ours. */
export function baseRules(overrides: Partial<RewriteRules> = {}): RewriteRules {
  const paths: Record<string, string> = {
    'kubeflow-pipelines': 'kubeflow-apps/pipelines',
    kserve: 'kubeflow-apps/kserve',
    'katib-extras': 'kubeflow-apps/katib-extras',
    'cert-manager': 'kubeflow-apps/cert-manager',
    dex: 'kubeflow-apps/dex',
    'spark-operator': 'kubeflow-apps/spark-operator',
    spellings: 'kubeflow-apps/spellings',
  };
  return {
    managedRepoURLs: [
      UPSTREAM,
      'https://mirror.example.com/kubeflow/manifests.git',
      'https://git.example.com/old-fork/manifests',
    ],
    repoURL: FORK,
    targetRevision: 'kubeflow-gitops',
    pathFor: (app) => paths[app],
    ...overrides,
  };
}
