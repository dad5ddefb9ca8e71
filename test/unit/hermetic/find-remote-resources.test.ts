import { describe, expect, it } from 'vitest';
import { findRemoteResources, KustomizationParseError } from '../../../installer/hermetic/find-remote-resources.js';
import { nodeTreeReader } from '../../../installer/hermetic/vendor-remote-bases.js';
import { writeTree } from '../../support/temp-tree.js';

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

describe('findRemoteResources', () => {
  const root = writeTree({
    'example/kustomization.yaml': 'resources:\n- ../apps/a\n- ../apps/b  # comment\ncomponents:\n- ../comp\n',
    'apps/a/kustomization.yaml': [
      'resources:',
      '- cm.yaml',
      '- https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3',
      '- ../b',
      'bases:',
      '- github.com/org/repo/deploy?ref=v1',
      '',
    ].join('\n'),
    'apps/a/cm.yaml': cm,
    'apps/b/kustomization.yml': 'resources: [https://example.com/x/crds.yaml, ../a, ../gone, ../empty]\n',
    'apps/empty/readme.md': 'no kustomization here\n',
    'comp/Kustomization': 'kind: Component\nresources:\n- ../../outside\n',
    'unreached/kustomization.yaml': 'resources:\n- https://github.com/o/never//x?ref=1\n',
  });

  it('records remote entries of every reachable kustomization with their positions', async () => {
    const found = await findRemoteResources(root, ['example'], nodeTreeReader);
    expect(
      found.remotes.map(({ file, field, index, entry, remote }) => ({ file, field, index, entry, kind: remote.kind })),
    ).toEqual([
      {
        file: 'apps/a/kustomization.yaml',
        field: 'bases',
        index: 0,
        entry: 'github.com/org/repo/deploy?ref=v1',
        kind: 'git',
      },
      {
        file: 'apps/a/kustomization.yaml',
        field: 'resources',
        index: 1,
        entry: 'https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3',
        kind: 'git',
      },
      {
        file: 'apps/b/kustomization.yml',
        field: 'resources',
        index: 0,
        entry: 'https://example.com/x/crds.yaml',
        kind: 'http',
      },
    ]);
  });

  it('visits each kustomization once (cycles a ↔ b) under all three file names', async () => {
    const found = await findRemoteResources(root, ['example', 'apps/a'], nodeTreeReader);
    expect(found.kustomizationFiles).toEqual([
      'apps/a/kustomization.yaml',
      'apps/b/kustomization.yml',
      'comp/Kustomization',
      'example/kustomization.yaml',
    ]);
    expect(found.localFiles).toEqual(['apps/a/cm.yaml']);
  });

  it('reports entries that name nothing, have no kustomization or leave the root', async () => {
    const found = await findRemoteResources(root, ['example'], nodeTreeReader);
    expect(found.broken.map((b) => [b.file, b.entry, b.reason])).toEqual([
      ['apps/b/kustomization.yml', '../gone', 'missing'],
      ['apps/b/kustomization.yml', '../empty', 'no-kustomization'],
      ['comp/Kustomization', '../../outside', 'outside-root'],
    ]);
  });

  it('fails clearly on a start path without a kustomization and on invalid YAML', async () => {
    await expect(findRemoteResources(root, ['apps/empty'], nodeTreeReader)).rejects.toThrow(
      /no kustomization.yaml in .*apps\/empty/,
    );
    const bad = writeTree({ 'k/kustomization.yaml': 'resources: [a\n' });
    await expect(findRemoteResources(bad, ['k'], nodeTreeReader)).rejects.toThrow(KustomizationParseError);
  });
});
