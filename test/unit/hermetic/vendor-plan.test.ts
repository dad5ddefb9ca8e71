import { describe, expect, it } from 'vitest';
import type { RemoteEntry } from '../../../installer/hermetic/find-remote-resources.js';
import { parseKustomizeEntry } from '../../../installer/hermetic/kustomize-remote-url.js';
import { planVendoring, relativeEntry } from '../../../installer/hermetic/vendor-plan.js';

function remote(file: string, index: number, entry: string, field: RemoteEntry['field'] = 'resources'): RemoteEntry {
  const parsed = parseKustomizeEntry(entry);
  if (parsed.kind === 'local') throw new Error('test entry must be remote');
  return { file, field, index, entry, remote: parsed };
}

const found: RemoteEntry[] = [
  remote('apps/trainer/lws/kustomization.yaml', 0, 'https://github.com/kubernetes-sigs/lws//config/default?ref=v0.7.0'),
  remote(
    'apps/argo/base/kustomization.yaml',
    0,
    'https://github.com/argoproj/argo-workflows/manifests/base/workflow-controller?ref=v3.7.3',
  ),
  remote(
    'apps/argo/cluster/kustomization.yaml',
    1,
    'https://github.com/argoproj/argo-workflows/manifests/base/workflow-controller?ref=v3.7.3',
  ),
  remote(
    'apps/trainer/jobset/kustomization.yaml',
    0,
    'https://github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml',
  ),
  remote('apps/x/kustomization.yaml', 0, 'git@github.com:org/repo.git//deploy?ref=release/1.0', 'components'),
  remote('kustomization.yaml', 0, 'https://example.com/a/crds.yaml?x=1'),
];

describe('planVendoring', () => {
  const plan = planVendoring({ remotes: found });

  it('places each distinct source once under vendor/<host>/…, by original URL', () => {
    expect(plan.sources.map((s) => [s.kind, s.dest])).toEqual([
      ['http', expect.stringMatching(/^vendor\/example\.com\/a\/crds\.yaml-[0-9a-f]{8}\.d$/) as unknown as string],
      ['git', 'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/workflow-controller'],
      ['http', 'vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml.d'],
      ['git', 'vendor/github.com/kubernetes-sigs/lws@v0.7.0/config/default'],
      ['git', 'vendor/github.com/org/repo@release%2F1.0/deploy'],
    ]);
    expect(plan.sources[3]).toMatchObject({
      repoDest: 'vendor/github.com/kubernetes-sigs/lws@v0.7.0',
      subPath: 'config/default',
      ref: 'v0.7.0',
    });
  });

  it('rewrites every entry to a path relative to its kustomization', () => {
    expect(plan.rewrites.map((r) => [r.file, r.field, r.index, r.to])).toEqual([
      [
        'apps/argo/base/kustomization.yaml',
        'resources',
        0,
        '../../../vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/workflow-controller',
      ],
      [
        'apps/argo/cluster/kustomization.yaml',
        'resources',
        1,
        '../../../vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/workflow-controller',
      ],
      [
        'apps/trainer/jobset/kustomization.yaml',
        'resources',
        0,
        '../../../vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml.d',
      ],
      [
        'apps/trainer/lws/kustomization.yaml',
        'resources',
        0,
        '../../../vendor/github.com/kubernetes-sigs/lws@v0.7.0/config/default',
      ],
      ['apps/x/kustomization.yaml', 'components', 0, '../../vendor/github.com/org/repo@release%2F1.0/deploy'],
      ['kustomization.yaml', 'resources', 0, plan.sources[0]!.dest],
    ]);
  });

  it('is deterministic and serialisable: input order does not matter', () => {
    const again = planVendoring({ remotes: [...found].reverse() });
    expect(JSON.parse(JSON.stringify(again))).toEqual(plan);
  });

  it('never produces an entry kustomize would read as remote', () => {
    expect(relativeEntry('vendor/kustomization.yaml', 'vendor/github.com/o/r@1')).toBe('./github.com/o/r@1');
    expect(relativeEntry('a/kustomization.yaml', 'vendor/x')).toBe('../vendor/x');
  });
});
