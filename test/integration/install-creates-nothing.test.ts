/**
 * A failing `install` creates nothing: no fork (a local bare repository or a GitHub fork), nothing in
 * TMPDIR, no state. Each case runs the real CLI with its own TMPDIR and state directory against the
 * loopback git server (and the loopback GitHub API), with a kubeconfig whose API server is a closed
 * port on 127.0.0.1: the checks that need no cluster run before the preflight, so each case fails on
 * its own mistake.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesMissing } from '../support/fixtures.js';
import { runCli, startForkEnv, TOKEN, type CliResult, type ForkEnv } from '../support/fork-env.js';
import { startGitHubApiServer, type GitHubApiServer } from '../support/github-api-server.js';

const NO_STACK = /internal error|\n\s+at /;

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => {
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
    s.on('error', reject);
  });
}

describe.skipIf(fixturesMissing())('install that fails creates nothing', () => {
  let env: ForkEnv;
  let api: GitHubApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    env = await startForkEnv();
    api = await startGitHubApiServer({
      gitRoot: join(env.root, 'git'),
      gitUrl: env.server.url,
      token: TOKEN,
      login: 'octo',
    });
    kubeconfig = join(env.root, 'dead-kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: dead, cluster: {server: "https://127.0.0.1:${String(await closedPort())}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: someone, user: {token: not-a-real-token}}]',
        'contexts: [{name: dead, context: {cluster: dead, user: someone}}]',
        'current-context: dead',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await api.close();
    await env.close();
  });

  /** One run with its own TMPDIR and state directory; both must be empty afterwards. */
  async function install(name: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
    const dir = mkdtempSync(join(env.root, `${name}-`));
    const tmp = join(dir, 'tmp');
    const state = join(dir, 'state');
    mkdirSync(tmp);
    mkdirSync(state);
    const r = await runCli(
      [
        'install',
        '--yes',
        '--mirror',
        env.mirror,
        '--release',
        '26.03',
        '--components',
        'dex',
        '--target',
        'local',
        '--timeout',
        '1m',
        ...args,
      ],
      // tsx's own compile cache would be the only thing in TMPDIR: keep it out of the count.
      {
        TMPDIR: tmp,
        TSX_DISABLE_CACHE: '1',
        KFG_STATE_DIR: state,
        KUBECONFIG: kubeconfig,
        KFG_GIT_TOKEN: TOKEN,
        ...extraEnv,
      },
    );
    expect([name, readdirSync(tmp)]).toEqual([name, []]);
    expect([name, readdirSync(state)]).toEqual([name, []]);
    expect(r.stderr).not.toMatch(NO_STACK);
    return r;
  }

  it('an unreachable API server: exit 3, no local fork', async () => {
    const fork = join(env.root, 'unreachable', 'inst.git');
    const r = await install('unreachable', ['--fork', fork]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot be reached/);
    expect(r.stderr).toContain('nothing was changed');
    expect(existsSync(fork)).toBe(false);
    expect(existsSync(join(env.root, 'unreachable'))).toBe(false);
  });

  it('a missing --admin-password-file: exit 2, named, no local fork', async () => {
    const fork = join(env.root, 'no-password', 'inst.git');
    const file = join(env.root, 'no-such-password-file');
    const r = await install('no-password', ['--fork', fork, '--admin-password-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--admin-password-file ${file} cannot be read`);
    expect(existsSync(fork)).toBe(false);
  });

  it('an --upstream that does not exist: exit non-zero, named, no local fork', async () => {
    const fork = join(env.root, 'no-upstream', 'inst.git');
    const r = await install('no-upstream', [
      '--fork',
      fork,
      '--upstream',
      'https://github.com/kubeflow/no-such-manifests',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--upstream https://github.com/kubeflow/no-such-manifests');
    expect(existsSync(fork)).toBe(false);
  });

  it('a release tag the upstream does not have: exit 2, named, no local fork', async () => {
    const fork = join(env.root, 'no-tag', 'inst.git');
    const r = await install('no-tag', ['--fork', fork, '--upstream', 'https://github.com/argoproj/argo-workflows']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--upstream https:\/\/github\.com\/argoproj\/argo-workflows \(fetched from .*\) has no tag 26\.03/,
    );
    expect(existsSync(fork)).toBe(false);
  });

  it('--github-fork: none of the three creates the GitHub fork', async () => {
    const github = ['--github-fork', 'octo', '--github-api-url', api.url];
    const token = { GITHUB_TOKEN: TOKEN };
    const runs = [
      await install('gh-unreachable', github, token),
      await install('gh-no-password', [...github, '--admin-password-file', join(env.root, 'none')], token),
      await install(
        'gh-no-upstream',
        [...github, '--upstream', 'https://github.com/kubeflow/no-such-manifests'],
        token,
      ),
    ];
    expect(runs.map((r) => r.code)).toEqual([3, 2, expect.any(Number) as number]);
    expect(runs[2]?.code).not.toBe(0);
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(existsSync(join(env.root, 'git', 'octo'))).toBe(false);
  });
});
