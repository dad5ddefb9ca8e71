import { describe, expect, it } from 'vitest';
import {
  parseKustomizeEntry,
  RemoteUrlError,
  type KustomizeEntry,
} from '../../../installer/hermetic/kustomize-remote-url.js';

const gh = (
  owner: string,
  repo: string,
  subPath: string,
  ref: string | undefined,
  repoURL = `https://github.com/${owner}/${repo}`,
): KustomizeEntry => ({ kind: 'git', repoURL, host: 'github.com', owner, repo, subPath, ref });

const cases: [string, KustomizeEntry][] = [
  // github legacy: owner/repo are the first two segments
  [
    'https://github.com/argoproj/argo-workflows/manifests/base?ref=v3.7.3',
    gh('argoproj', 'argo-workflows', 'manifests/base', 'v3.7.3'),
  ],
  [
    'https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3',
    gh('argoproj', 'argo-workflows', 'manifests/base/crds/minimal', 'v3.7.3'),
  ],
  [
    'https://github.com/kubernetes-sigs/lws//config/default?ref=v0.7.0',
    gh('kubernetes-sigs', 'lws', 'config/default', 'v0.7.0'),
  ],
  ['github.com/org/repo/path/to?ref=x', gh('org', 'repo', 'path/to', 'x')],
  ['github.com/org/repo', gh('org', 'repo', '', undefined)],
  ['git::https://github.com/org/repo//a/b?ref=main', gh('org', 'repo', 'a/b', 'main')],
  [
    'https://github.com/org/repo.git//deploy?ref=v1',
    gh('org', 'repo', 'deploy', 'v1', 'https://github.com/org/repo.git'),
  ],
  [
    'https://github.com/org/repo.git/deploy?version=v2',
    gh('org', 'repo', 'deploy', 'v2', 'https://github.com/org/repo.git'),
  ],
  ['https://github.com/org/repo//deploy?ref=v1&timeout=120s&submodules=false', gh('org', 'repo', 'deploy', 'v1')],
  ['https://github.com/org/repo//deploy/?ref=v1', gh('org', 'repo', 'deploy', 'v1')],
  [
    'ssh://git@github.com/org/repo//config/default?ref=v0.7.0',
    gh('org', 'repo', 'config/default', 'v0.7.0', 'ssh://git@github.com/org/repo'),
  ],
  [
    'ssh://git@gitlab.example.com:2222/grp/sub/repo.git//k8s?ref=abc',
    {
      kind: 'git',
      repoURL: 'ssh://git@gitlab.example.com:2222/grp/sub/repo.git',
      host: 'gitlab.example.com',
      owner: 'grp/sub',
      repo: 'repo',
      subPath: 'k8s',
      ref: 'abc',
    },
  ],
  ['git@github.com:org/repo//path?ref=v1', gh('org', 'repo', 'path', 'v1', 'git@github.com:org/repo')],
  ['git@github.com:org/repo.git/path?ref=v1', gh('org', 'repo', 'path', 'v1', 'git@github.com:org/repo.git')],
  [
    'https://gitlab.com/grp/repo//deploy?ref=v1',
    {
      kind: 'git',
      repoURL: 'https://gitlab.com/grp/repo',
      host: 'gitlab.com',
      owner: 'grp',
      repo: 'repo',
      subPath: 'deploy',
      ref: 'v1',
    },
  ],
  [
    'https://dev.azure.com/org/proj/_git/repo/base?ref=main',
    {
      kind: 'git',
      repoURL: 'https://dev.azure.com/org/proj/_git/repo',
      host: 'dev.azure.com',
      owner: 'org/proj/_git',
      repo: 'repo',
      subPath: 'base',
      ref: 'main',
    },
  ],
  [
    'file:///srv/git/repo.git//base?ref=v1',
    {
      kind: 'git',
      repoURL: 'file:///srv/git/repo.git',
      host: 'localhost',
      owner: 'srv/git',
      repo: 'repo',
      subPath: 'base',
      ref: 'v1',
    },
  ],
  // plain files
  [
    'https://github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml',
    {
      kind: 'http',
      url: 'https://github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml',
    },
  ],
  [
    'https://raw.githubusercontent.com/org/repo/v1/deploy/crds.yml',
    { kind: 'http', url: 'https://raw.githubusercontent.com/org/repo/v1/deploy/crds.yml' },
  ],
  ['http://example.com/x/schema.json', { kind: 'http', url: 'http://example.com/x/schema.json' }],
  [
    'https://github.com/org/repo/releases/download/v1/install',
    { kind: 'http', url: 'https://github.com/org/repo/releases/download/v1/install' },
  ],
  // local
  ['../common/cert-manager/base', { kind: 'local' }],
  ['deployment.yaml', { kind: 'local' }],
  ['/abs/path', { kind: 'local' }],
  ['github.com-sa.yaml', { kind: 'local' }],
];

describe('parseKustomizeEntry', () => {
  it.each(cases)('%s', (entry, expected) => {
    expect(parseKustomizeEntry(entry)).toEqual(expected);
  });

  it.each(['https://github.com/onlyowner', 'git::../local', 'ftp://host/org/repo'])(
    'rejects %s with a fix',
    (entry) => {
      expect(() => parseKustomizeEntry(entry)).toThrow(RemoteUrlError);
    },
  );
});
