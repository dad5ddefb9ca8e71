import { describe, expect, it } from 'vitest';
import {
  EntryRewriteError,
  rewriteKustomizationEntries,
} from '../../../installer/hermetic/rewrite-kustomization-entries.js';

describe('rewriteKustomizationEntries', () => {
  it('changes only the entry scalars: comments, indentation, quotes and other bytes stay', () => {
    const text = [
      '# top comment',
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3   # pinned',
      '  - "https://example.com/x/crds.yaml"',
      '  - local',
      "components: [ 'github.com/o/r/c?ref=1' ,  other ]",
      '',
      'patches:',
      '- path: p.yaml   # keep',
      '',
    ].join('\n');
    const out = rewriteKustomizationEntries(
      text,
      [
        {
          field: 'resources',
          index: 0,
          from: 'https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3',
          to: '../vendor/a@v3.7.3/base',
        },
        {
          field: 'resources',
          index: 1,
          from: 'https://example.com/x/crds.yaml',
          to: '../vendor/example.com/x/crds.yaml.d',
        },
        { field: 'components', index: 0, from: 'github.com/o/r/c?ref=1', to: '../vendor/github.com/o/r@1/c' },
      ],
      'k.yaml',
    );
    expect(out).toBe(
      text
        .replace('https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3', '../vendor/a@v3.7.3/base')
        .replace('https://example.com/x/crds.yaml', '../vendor/example.com/x/crds.yaml.d')
        .replace('github.com/o/r/c?ref=1', '../vendor/github.com/o/r@1/c'),
    );
  });

  it('refuses an entry that is no longer what the plan says', () => {
    expect(() =>
      rewriteKustomizationEntries(
        'resources:\n- a\n',
        [{ field: 'resources', index: 0, from: 'b', to: 'c' }],
        'k.yaml',
      ),
    ).toThrow(EntryRewriteError);
  });
});
