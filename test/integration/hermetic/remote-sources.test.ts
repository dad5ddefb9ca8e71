import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../installer/core/errors.js';
import { createRemoteFetcher } from '../../../installer/systems/remote-sources.js';
import { fixtureFileRoot, fixturesMissing, prepareUpstreamRepos } from '../../support/fixtures.js';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';

const missing = fixturesMissing();

/** A host that accepts connections and never answers (a stalled network). */
async function silentHost(): Promise<{ url: string; connected: Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connected!: () => void;
  const seen = new Promise<void>((r) => (connected = r));
  const server: Server = createServer((s) => {
    sockets.add(s);
    connected();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/stalled/repo`,
    connected: seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          r();
        });
      }),
  };
}

/** Runs `fn` with os.tmpdir() pointing at a fresh directory, to see what it leaves there. */
async function inPrivateTmp<T>(root: string, fn: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(root, 'tmp-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return await fn(tmp);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

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

  it("follows a mirror set with url.<base>.insteadOf in the user's git config", async () => {
    // A host that cannot resolve (.invalid): only the insteadOf rewrite can reach the repository.
    const home = mkdtempSync(join(root, 'home-'));
    writeFileSync(join(home, '.gitconfig'), `[url "${server.url}/"]\n\tinsteadOf = https://mirrored.invalid/\n`);
    const saved = { HOME: process.env.HOME, XDG: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    delete process.env.XDG_CONFIG_HOME;
    try {
      const found = await fetcher.withGitCheckout('https://mirrored.invalid/kubernetes-sigs/lws', 'v0.7.0', (dir) =>
        Promise.resolve(existsSync(join(dir, 'config', 'default', 'kustomization.yaml'))),
      );
      expect(found).toBe(true);
    } finally {
      if (saved.HOME !== undefined) process.env.HOME = saved.HOME;
      if (saved.XDG !== undefined) process.env.XDG_CONFIG_HOME = saved.XDG;
    }
  });

  it('stops a git that hears nothing back, says so and removes its checkout', async () => {
    const host = await silentHost();
    try {
      const quick = createRemoteFetcher({ gitTimeoutMs: 1_000 });
      await inPrivateTmp(root, async (tmp) => {
        const err = await quick.withGitCheckout(host.url, 'v1', () => Promise.resolve()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ExternalError);
        expect((err as Error).message).toMatch(
          /^fetching http:\/\/127\.0\.0\.1:\d+\/stalled\/repo@v1 failed: git gave no result within 1 s; check the network or use a mirror$/,
        );
        expect(readdirSync(tmp)).toEqual([]);
      });
    } finally {
      await host.close();
    }
  });

  it('an interrupt kills the running git and removes its checkout', async () => {
    const host = await silentHost();
    try {
      const interrupt = new AbortController();
      const stoppable = createRemoteFetcher({ signal: interrupt.signal });
      await inPrivateTmp(root, async (tmp) => {
        const run = stoppable.withGitCheckout(host.url, 'v1', () => Promise.resolve()).catch((e: unknown) => e);
        await host.connected;
        expect(readdirSync(tmp)).toHaveLength(1);
        interrupt.abort();
        const err = await run;
        expect(err).toBeInstanceOf(ExternalError);
        expect((err as Error).message).toMatch(
          /^fetching http:\/\/127\.0\.0\.1:\d+\/stalled\/repo@v1 was interrupted$/,
        );
        expect(readdirSync(tmp)).toEqual([]);
        // A fetcher whose run was interrupted starts no other git.
        await expect(stoppable.withGitCheckout(host.url, 'v1', () => Promise.resolve())).rejects.toThrow(
          /^preparing a checkout of .* was interrupted$/,
        );
        expect(readdirSync(tmp)).toEqual([]);
      });
    } finally {
      await host.close();
    }
  });

  it('says when git is not installed', async () => {
    const path = process.env.PATH;
    const empty = join(root, 'empty-path');
    mkdirSync(empty);
    process.env.PATH = empty;
    try {
      await expect(
        fetcher.withGitCheckout(`${server.url}/kubernetes-sigs/lws`, 'v0.7.0', () => Promise.resolve()),
      ).rejects.toThrow(/^preparing a checkout of .* failed: git is not installed; install git and put it on PATH$/);
    } finally {
      process.env.PATH = path;
    }
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
