import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RemoteFetcher } from '../../../installer/systems/remote-sources.js';
import { findRemoteResources } from '../../../installer/hermetic/find-remote-resources.js';
import {
  commonAncestor,
  nodeTreeReader,
  VendorError,
  vendorRemoteBases,
} from '../../../installer/hermetic/vendor-remote-bases.js';
import { writeTree } from '../../support/temp-tree.js';

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const k = (...resources: string[]): string => `resources:\n${resources.map((r) => `- ${r}\n`).join('')}`;

/** Serves trees from temp dirs keyed by the (mirrored) fetch URL, and records what was asked. */
function fakeFetcher(
  repos: Record<string, string>,
  files: Record<string, string>,
): RemoteFetcher & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async withGitCheckout(repoURL, ref, use) {
      const key = `${repoURL}@${ref ?? 'HEAD'}`;
      calls.push(`git ${key}`);
      const dir = repos[key];
      if (dir === undefined) throw new Error(`no such repo ${key}`);
      return use(dir);
    },
    fetchFile(url) {
      calls.push(`file ${url}`);
      const body = files[url];
      return body === undefined ? Promise.reject(new Error(`404 ${url}`)) : Promise.resolve(Buffer.from(body));
    },
  };
}

function setup(): { fork: string; fetcher: ReturnType<typeof fakeFetcher> } {
  const lws = writeTree({
    'config/default/kustomization.yaml': k('../crd', '../rbac', 'https://github.com/org/nested//k?ref=v1'),
    'config/crd/kustomization.yaml': k('crd.yaml'),
    'config/crd/crd.yaml': cm('crd'),
    'config/rbac/kustomization.yaml': k('role.yaml'),
    'config/rbac/role.yaml': cm('role'),
    'docs/kustomization.yaml': k('x.yaml'),
  });
  const argo = writeTree({
    'manifests/base/workflow-controller/kustomization.yaml': k('cm.yaml'),
    'manifests/base/workflow-controller/cm.yaml': cm('wc'),
    'manifests/base/crds/kustomization.yaml': k('crd.yaml'),
    'manifests/base/crds/crd.yaml': cm('crds'),
    'manifests/quick-start/kustomization.yaml': k('x.yaml'),
  });
  const nested = writeTree({ 'k/kustomization.yaml': k('cm.yaml'), 'k/cm.yaml': cm('nested') });
  const fork = writeTree({
    'example/kustomization.yaml': k('../apps/trainer', '../apps/argo'),
    'apps/trainer/kustomization.yaml': [
      'resources:',
      '  - https://github.com/kubernetes-sigs/lws//config/default?ref=v0.7.0   # lws',
      '  - https://github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml',
      '',
    ].join('\n'),
    'apps/argo/kustomization.yaml': k(
      'https://github.com/argoproj/argo-workflows/manifests/base/workflow-controller?ref=v3.7.3',
      'https://github.com/argoproj/argo-workflows/manifests/base/crds?ref=v3.7.3',
    ),
  });
  const fetcher = fakeFetcher(
    {
      'mirror://gh/kubernetes-sigs/lws@v0.7.0': lws,
      'mirror://gh/argoproj/argo-workflows@v3.7.3': argo,
      'mirror://gh/org/nested@v1': nested,
    },
    { 'mirror://gh/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml': cm('jobset') },
  );
  return { fork, fetcher };
}

const mirrors = [{ from: 'https://github.com/', to: 'mirror://gh/' }];

describe('vendorRemoteBases', () => {
  it('vendors remotes, remotes inside remotes, and rewrites only the entries', async () => {
    const { fork, fetcher } = setup();
    const result = await vendorRemoteBases({ repoDir: fork, startPaths: ['example'], fetcher, mirrors });

    // One checkout per repository and ref, through the mirror.
    expect(fetcher.calls.sort()).toEqual([
      'file mirror://gh/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml',
      'git mirror://gh/argoproj/argo-workflows@v3.7.3',
      'git mirror://gh/kubernetes-sigs/lws@v0.7.0',
      'git mirror://gh/org/nested@v1',
    ]);
    expect(result.fetched).toHaveLength(5);
    expect(result.editedFiles).toEqual([
      'apps/argo/kustomization.yaml',
      'apps/trainer/kustomization.yaml',
      'vendor/github.com/kubernetes-sigs/lws@v0.7.0/config/default/kustomization.yaml',
    ]);

    const lws = join(fork, 'vendor/github.com/kubernetes-sigs/lws@v0.7.0');
    expect(['config/crd/crd.yaml', 'config/rbac/role.yaml'].every((f) => existsSync(join(lws, f)))).toBe(true);
    expect(existsSync(join(lws, 'docs'))).toBe(false);
    expect(existsSync(join(fork, 'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/quick-start'))).toBe(
      false,
    );
    expect(readFileSync(join(lws, 'config/default/kustomization.yaml'), 'utf8')).toBe(
      k('../crd', '../rbac', '../../../../org/nested@v1/k'),
    );
    expect(readFileSync(join(fork, 'apps/trainer/kustomization.yaml'), 'utf8')).toBe(
      [
        'resources:',
        '  - ../../vendor/github.com/kubernetes-sigs/lws@v0.7.0/config/default   # lws',
        '  - ../../vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml.d',
        '',
      ].join('\n'),
    );
    const wrapper = join(fork, 'vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml.d');
    expect(readFileSync(join(wrapper, 'kustomization.yaml'), 'utf8')).toMatch(/resources:\n- "manifests.yaml"\n$/);
    expect(readFileSync(join(wrapper, 'manifests.yaml'), 'utf8')).toBe(cm('jobset'));
    expect(existsSync(join(fork, 'vendor/.staging'))).toBe(false);

    const after = await findRemoteResources(fork, ['example'], nodeTreeReader);
    expect(after.remotes).toEqual([]);
    expect(after.broken).toEqual([]);
  });

  it('is idempotent: a second run fetches and edits nothing', async () => {
    const { fork, fetcher } = setup();
    await vendorRemoteBases({ repoDir: fork, startPaths: ['example'], fetcher, mirrors });
    fetcher.calls.length = 0;
    const again = await vendorRemoteBases({ repoDir: fork, startPaths: ['example'], fetcher, mirrors });
    expect(again).toEqual({ plan: { sources: [], rewrites: [] }, fetched: [], editedFiles: [] });
    expect(fetcher.calls).toEqual([]);
  });

  it('reuses a source already in vendor/ without fetching it', async () => {
    const { fork, fetcher } = setup();
    await vendorRemoteBases({ repoDir: fork, startPaths: ['apps/argo'], fetcher, mirrors });
    const other = writeTree(
      {
        'apps/more/kustomization.yaml': k('https://github.com/argoproj/argo-workflows/manifests/base/crds?ref=v3.7.3'),
      },
      fork,
    );
    fetcher.calls.length = 0;
    const result = await vendorRemoteBases({ repoDir: other, startPaths: ['apps/more'], fetcher, mirrors });
    expect(fetcher.calls).toEqual([]);
    expect(result.editedFiles).toEqual(['apps/more/kustomization.yaml']);
  });

  it('refuses a remote base that reaches outside its repository', async () => {
    const bad = writeTree({ 'deploy/kustomization.yaml': k('../../escape') });
    const fork = writeTree({ 'app/kustomization.yaml': k('https://github.com/o/bad//deploy?ref=v1') });
    const fetcher = fakeFetcher({ 'https://github.com/o/bad@v1': bad }, {});
    await expect(vendorRemoteBases({ repoDir: fork, startPaths: ['app'], fetcher })).rejects.toThrow(VendorError);
    await expect(vendorRemoteBases({ repoDir: fork, startPaths: ['app'], fetcher })).rejects.toThrow(
      /points outside the repository/,
    );
  });

  it('commonAncestor', () => {
    expect(commonAncestor(['config/default', 'config/crd', 'config/rbac/x'])).toBe('config');
    expect(commonAncestor(['a/b', 'a/b'])).toBe('a/b');
    expect(commonAncestor(['a', 'b'])).toBe('');
    expect(commonAncestor(['.', 'a'])).toBe('');
  });
});
