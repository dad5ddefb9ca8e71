import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFileRoot, fixturesMissing, prepareUpstreamRepos } from '../support/fixtures.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server.js';

const run = promisify(execFile);
const missing = fixturesMissing();

describe.skipIf(missing)('loopback git smart-HTTP server', () => {
  let server: GitHttpServer;
  let root: string;
  const token = 'test-token-value';
  const noPrompt = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  const withToken = {
    ...noPrompt,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kfg-git-'));
    await prepareUpstreamRepos(join(root, 'git'));
    mkdirSync(join(root, 'git', 'me'), { recursive: true });
    await run('git', ['init', '--quiet', '--bare', join(root, 'git', 'me', 'fork.git')]);
    server = await startGitHttpServer({
      gitRoot: join(root, 'git'),
      fileRoot: fixtureFileRoot,
      token,
      publicPrefixes: ['kubeflow/', 'argoproj/', 'kubernetes-sigs/'],
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the upstream mirrors anonymously at github.com-like paths', async () => {
    const { stdout } = await run('git', ['ls-remote', '--tags', `${server.url}/kubeflow/manifests`], { env: noPrompt });
    expect(stdout).toContain('refs/tags/26.03');
    expect(stdout).toContain('refs/tags/v1.10.2');
  });

  it('serves release assets as plain files', async () => {
    const res = await fetch(`${server.url}/kubernetes-sigs/jobset/releases/download/v0.10.1/manifests.yaml`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('kind: CustomResourceDefinition');
  });

  it('refuses a push without the token and accepts it with the token', async () => {
    const work = join(root, 'work');
    await run('git', ['clone', '--quiet', '--branch', 'v1.10.2', `${server.url}/kubeflow/manifests`, work], {
      env: noPrompt,
    });
    await expect(
      run('git', ['-C', work, 'push', `${server.url}/me/fork.git`, 'HEAD:refs/heads/main'], { env: noPrompt }),
    ).rejects.toThrow(/could not read Username|Authentication failed/);
    await run('git', ['-C', work, 'push', '--quiet', `${server.url}/me/fork.git`, 'HEAD:refs/heads/main'], {
      env: withToken,
    });
    const { stdout } = await run('git', ['ls-remote', `${server.url}/me/fork.git`], { env: withToken });
    expect(stdout).toContain('refs/heads/main');
    expect(server.requests.some((r) => r.path === '/me/fork.git/info/refs' && r.status === 401)).toBe(true);
  });
});
