import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../installer/errors.js';
import { createRemoteFetcher } from '../../../installer/systems/remote-sources.js';
import { fixtureFileRoot, fixturesMissing, prepareUpstreamRepos } from '../../support/fixtures.js';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';

const missing = fixturesMissing();

describe.skipIf(missing)('git CLI and http remote fetcher', () => {
  let root: string;
  let server: GitHttpServer;
  const fetcher = createRemoteFetcher({ gitTimeoutMs: 60_000, httpTimeoutMs: 10_000 });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kfg-remote-'));
    await prepareUpstreamRepos(join(root, 'git'));
    server = await startGitHttpServer({ gitRoot: join(root, 'git'), fileRoot: fixtureFileRoot });
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['smart HTTP', (): string => `${server.url}/kubernetes-sigs/lws`],
    [
      'file:// to a bare repository, without its .git suffix',
      (): string => pathToFileURL(join(root, 'git', 'kubernetes-sigs', 'lws')).href,
    ],
  ])('checks out a tag over %s and removes the checkout afterwards', async (_name, url) => {
    let seen = '';
    const listed = await fetcher.withGitCheckout(url(), 'v0.7.0', (dir) => {
      seen = dir;
      return Promise.resolve(existsSync(join(dir, 'config', 'default', 'kustomization.yaml')));
    });
    expect(listed).toBe(true);
    expect(existsSync(seen)).toBe(false);
  });

  it('names the repository and ref when the ref does not exist, and never shows credentials', async () => {
    const url = `${server.url.replace('http://', 'http://user:s3cret@')}/kubernetes-sigs/lws`;
    const err = await fetcher.withGitCheckout(url, 'v9.9.9', () => Promise.resolve()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toMatch(
      /fetching http:\/\/\*\*\*@127\.0\.0\.1:\d+\/kubernetes-sigs\/lws@v9\.9\.9 failed: .*check that the repository and ref exist/,
    );
    expect((err as Error).message).not.toContain('s3cret');
    expect(String((err as Error).cause)).not.toContain('s3cret');
  });

  it('downloads a release asset over http and from a file:// mirror', async () => {
    const path = 'kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml';
    const overHttp = await fetcher.fetchFile(`${server.url}/${path}`);
    const overFile = await fetcher.fetchFile(pathToFileURL(join(fixtureFileRoot, path)).href);
    expect(overHttp.equals(overFile)).toBe(true);
    expect(overHttp.toString('utf8')).toContain('kind: CustomResourceDefinition');
  });

  it('explains a missing file and an unreachable host', async () => {
    await expect(
      fetcher.fetchFile(`${server.url}/kubernetes-sigs/jobset/releases/download/v0.0.0/manifests.yaml`),
    ).rejects.toThrow(
      /downloading http:\/\/127\.0\.0\.1:\d+\/kubernetes-sigs\/jobset\/releases\/download\/v0\.0\.0\/manifests\.yaml failed: HTTP 404/,
    );
    await expect(fetcher.fetchFile('http://127.0.0.1:9/x.yaml')).rejects.toThrow(
      /downloading http:\/\/127\.0\.0\.1:9\/x\.yaml failed: .*check the network/,
    );
  });
});
