/**
 * `fork` and `plan` as users meet them: through the CLI, with real git over loopback HTTP.
 * Idempotency, refusing to overwrite, credentials kept out of argv/config/output, GitHub API mode.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { runPlan } from '../../installer/commands/plan/run-plan.js';
import { noPrompter } from '../../installer/systems/prompter.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';
import { run, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';
import { startGitHubApiServer } from '../support/github-api-server.js';

const CLI = join(projectRoot, 'installer', 'cli.ts');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(fixturesMissing())('fork and plan behaviour', () => {
  let env: ForkEnv;
  let argvLog: string;
  let binDir: string;
  beforeAll(async () => {
    env = await startForkEnv();
    // A `git` that records its argv and runs the real one: proves no secret is ever an argument.
    binDir = mkdtempSync(join(env.root, 'bin-'));
    argvLog = join(binDir, 'argv.log');
    const realGit = (await run('sh', ['-c', 'command -v git'])).stdout.trim();
    writeFileSync(join(binDir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(binDir, 'git'), 0o755);
  });
  afterAll(async () => {
    await env.close();
  });

  async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: projectRoot,
        maxBuffer: 1 << 26,
        env: {
          ...process.env,
          PATH: `${binDir}:${process.env.PATH ?? ''}`,
          KFG_STATE_DIR: join(env.root, 'cli-state'),
          ...extraEnv,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  const base = (fork: string, extra: string[] = []) =>
    env.cliArgs('fork', fork, '26.03', '--target', 'kind', '--components', 'pipelines,notebooks', '--yes', ...extra);

  it('pushes with the token from the environment, never in argv, .git/config or output', async () => {
    const fork = await env.newFork('cli');
    const r = await cli(base(fork), { KFG_GIT_TOKEN: TOKEN });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const [url, branch, sha] = r.stdout.trim().split(' ');
    expect([url, branch]).toEqual([fork, 'kubeflow-gitops']);
    expect((await env.git(['ls-remote', fork, 'refs/heads/kubeflow-gitops'])).split('\t')[0]).toBe(sha);
    const everything = readFileSync(argvLog, 'utf8') + r.stdout + r.stderr;
    expect(everything).toContain('push');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    const clone = join(mkdtempSync(join(env.root, 'c-')), 'f');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    expect((await env.git(['log', '-p', '--all'], clone)).includes(TOKEN)).toBe(false);
    // No default credentials survive in what Argo CD will apply.
    const rendered =
      (await run('kubectl', ['kustomize', 'overlays/kind/oauth2-proxy'], { cwd: clone, maxBuffer: 1 << 26 })).stdout +
      (await run('kubectl', ['kustomize', 'overlays/kind/dex'], { cwd: clone, maxBuffer: 1 << 26 })).stdout;
    expect(rendered).not.toContain('pUBnBOY80SnXgjibTYM9ZWNzY2xreNGQok');
    expect(rendered).not.toContain('cFVCbkJPWTgwU25YZ2ppYlRZTTlaV056WTJ4cmVOR1Fvaw');
    expect(rendered).not.toContain('$2y$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72');
    expect(rendered).toMatch(/DEX_USER_PASSWORD: \$2[aby]\$12\$/);
  });

  it('is idempotent: the same inputs again make no commit; a new fork URL rewrites again', async () => {
    const fork = await env.newFork('idem');
    const opts = env.options({
      fork,
      release: 'v1.11.0',
      target: 'eks',
      components: 'kserve',
      oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
    });
    const first = await runFork(opts, env.deps());
    const second = await runFork(opts, env.deps());
    expect(second.committed).toBe(false);
    expect(second.pushed).toBe(false);
    expect(second.revision).toBe(first.revision);
    expect(second.plan.files).toEqual([]);

    const moved = await runFork(
      env.options({
        fork,
        release: 'v1.11.0',
        target: 'eks',
        components: 'kserve',
        argocdRepoUrl: 'https://git.example.com/team/manifests.git',
      }),
      env.deps(),
    );
    expect(moved.committed).toBe(true);
    expect(moved.plan.files.every((f) => f.path.startsWith('kubeflow-apps/'))).toBe(true);
    const changed = moved.plan.files.flatMap((f) => f.changes ?? []);
    expect(changed.length).toBeGreaterThan(0);
    expect(
      changed.every((c) => c.field.endsWith('repoURL') && c.to === 'https://git.example.com/team/manifests.git'),
    ).toBe(true);
  });

  it("keeps the user's edits to Applications and overlays on a re-run", async () => {
    const fork = await env.newFork('edits');
    const opts = env.options({ fork, release: '26.03', target: 'generic', components: 'katib' });
    await runFork(opts, env.deps());
    const clone = join(mkdtempSync(join(env.root, 'e-')), 'f');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    const app = join(clone, 'kubeflow-apps', 'katib.yaml');
    writeFileSync(
      app,
      readFileSync(app, 'utf8')
        .replace('  project: default\n', '  # our team project\n  project: default\n')
        .replace('- RespectIgnoreDifferences=true', '- RespectIgnoreDifferences=true\n      - PruneLast=true'),
    );
    writeFileSync(
      join(clone, 'overlays', 'generic', 'katib', 'kustomization.yaml'),
      `${readFileSync(join(clone, 'overlays', 'generic', 'katib', 'kustomization.yaml'), 'utf8')}# team patch\n`,
    );
    await env.git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '--quiet', '-am', 'team edits'], clone);
    await env.git(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops'], clone);
    const again = await runFork(opts, env.deps());
    expect(again.committed).toBe(false);
    await env.git(['pull', '--quiet'], clone);
    expect(readFileSync(app, 'utf8')).toContain('# our team project');
    expect(readFileSync(app, 'utf8')).toContain('PruneLast=true');
  });

  it('a wrong token: a clear error naming the credential, exit 2, nothing pushed', async () => {
    const fork = await env.newFork('badtoken');
    const r = await cli(base(fork), { KFG_GIT_TOKEN: 'not-the-token' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/authentication failed with the token from KFG_GIT_TOKEN/);
    expect(r.stderr).not.toContain('not-the-token');
    expect(await env.git(['ls-remote', fork])).toBe('');
  });

  it('a branch with unrelated history: stops with instructions, nothing overwritten', async () => {
    const fork = await env.newFork('unrelated');
    const other = join(mkdtempSync(join(env.root, 'u-')), 'repo');
    await run('git', ['init', '--quiet', '-b', 'kubeflow-gitops', other]);
    writeFileSync(join(other, 'README'), 'mine\n');
    await run('git', ['-C', other, 'add', '-A']);
    await run('git', ['-C', other, '-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '--quiet', '-m', 'mine']);
    await env.git(['push', '--quiet', fork, 'kubeflow-gitops'], other);
    const before = await env.git(['ls-remote', fork]);
    const r = await cli(base(fork), { KFG_GIT_TOKEN: TOKEN });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/unrelated to .* 26\.03\. Nothing was changed\.\nPass another --branch/);
    expect(await env.git(['ls-remote', fork])).toBe(before);
  });

  it('a branch on another release: points at upgrade, nothing overwritten', async () => {
    const fork = await env.newFork('older');
    await runFork(env.options({ fork, release: 'v1.10.2', target: 'kind', components: 'katib' }), env.deps());
    const before = await env.git(['ls-remote', fork]);
    const r = await cli(base(fork), { KFG_GIT_TOKEN: TOKEN });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('is on Kubeflow v1.10.2, not 26.03');
    expect(r.stderr).toContain('kubeflow-gitops upgrade --to 26.03');
    expect(await env.git(['ls-remote', fork])).toBe(before);
  });

  it('bad input names the flag to fix', async () => {
    expect((await cli(['fork', '--fork', '/tmp/x', '--components', 'pipelines,nope', '--yes'])).stderr).toMatch(
      /--components: unknown "nope"/,
    );
    expect((await cli(['fork', '--components', 'all', '--yes'])).stderr).toMatch(
      /--fork <git-url-or-path> or --github-fork <owner>/,
    );
    expect(
      (
        await cli([
          'plan',
          '--fork',
          '/tmp/x',
          '--release',
          'v1.10.2',
          '--components',
          'trainer',
          '--yes',
          '--mirror',
          env.mirror,
        ])
      ).stderr,
    ).toMatch(/"trainer" is not in Kubeflow v1.10.2/);
    const r = await cli(['fork', '--fork', 'https://user:secret@example.com/x.git', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fork must not contain credentials');
    expect(r.stderr).not.toContain('secret@');
  });

  it('plan --output json for 26.03 all/kind: valid JSON, 20+ components in wave order, nothing pushed', async () => {
    const fork = await env.newFork('plan');
    const r = await cli(
      env.cliArgs('plan', fork, '26.03', '--target', 'kind', '--components', 'all', '--yes', '--output', 'json'),
      { KFG_GIT_TOKEN: TOKEN },
    );
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      version: number;
      components: { name: string; wave: number }[];
      vendor: { sources: { url: string }[] };
      files: { path: string; diff: string }[];
    };
    expect(plan.version).toBe(1);
    expect(plan.components.length).toBeGreaterThanOrEqual(20);
    const waves = plan.components.map((c) => c.wave);
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    expect(plan.vendor.sources.map((s) => s.url).join('\n')).toContain('argo-workflows');
    expect(plan.files.find((f) => f.path === 'kubeflow-apps/pipelines.yaml')?.diff).toContain(`+    repoURL: ${fork}`);
    expect(await env.git(['ls-remote', fork])).toBe('');
    const text = await cli(env.cliArgs('plan', fork, '26.03', '--target', 'kind', '--components', 'kserve', '--yes'), {
      KFG_GIT_TOKEN: TOKEN,
    });
    expect(text.stdout).toContain('Components (');
    expect(text.stdout).toContain('Application diffs:');
  });

  it('--github-fork creates the fork through the API and pushes with real git', async () => {
    const gitRoot = join(env.root, 'git');
    const api = await startGitHubApiServer({ gitRoot, gitUrl: env.server.url, token: TOKEN, login: 'octo' });
    try {
      const opts = env.options({
        githubFork: 'octo',
        githubApiUrl: api.url,
        release: '26.03',
        target: 'gke',
        components: 'katib',
      });
      const deps = env.deps({ GITHUB_TOKEN: TOKEN, KFG_GIT_TOKEN: '' });
      // plan before the fork exists: asks the API, reads it as empty, creates nothing.
      const planned = await runPlan(opts, deps);
      expect(planned.notes.join('\n')).toMatch(
        /octo\/manifests\.git does not exist yet: fork creates it as a GitHub fork of https:\/\/github\.com\/kubeflow\/manifests/,
      );
      // The fork's URL goes into the Applications before it is created: beside the upstream, as the API names it.
      expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        'GET /repos/octo/manifests',
        'GET /repos/kubeflow/manifests',
      ]);
      const r = await runFork(opts, { ...deps, github: (url) => ({ ...deps.github(url) }) });
      expect(r.repoURL).toBe(`${env.server.url}/octo/manifests.git`);
      expect(api.calls.some((c) => c.method === 'POST' && c.path === '/repos/kubeflow/manifests/forks')).toBe(true);
      expect(api.calls.every((c) => c.auth)).toBe(true);
      const app = parse(
        await env.git(['show', `${r.revision}:kubeflow-apps/katib.yaml`], join(gitRoot, 'octo', 'manifests.git')),
      ) as { spec: { source: { repoURL: string } } };
      expect(app.spec.source.repoURL).toBe(r.repoURL);
      // A second run reuses the fork: no second POST; plan now reads it.
      await runFork(opts, deps);
      expect((await runPlan(opts, deps)).notes.join('\n')).not.toContain('does not exist yet');
      expect(api.calls.filter((c) => c.method === 'POST').length).toBe(1);
      // A bad token is named.
      await expect(runFork(opts, env.deps({ GITHUB_TOKEN: 'wrong' }))).rejects.toThrow(/token from GITHUB_TOKEN/);
    } finally {
      await api.close();
    }
  });

  it('asks for the token (masked) when none is in the environment and a person can answer', async () => {
    const fork = await env.newFork('prompted');
    const asked: string[] = [];
    const deps = env.deps({ KFG_GIT_TOKEN: '' });
    const prompter = {
      ...noPrompter,
      canPrompt: true,
      secret: (m: string) => {
        asked.push(m);
        return Promise.resolve(TOKEN);
      },
    };
    const r = await runFork(env.options({ fork, release: '26.03', target: 'kind', components: 'katib' }), {
      ...deps,
      prompter,
    });
    expect(r.pushed).toBe(true);
    expect(asked).toEqual([
      expect.stringMatching(/^Token for 127\.0\.0\.1:\d+ \(input hidden; or export KFG_GIT_TOKEN\)$/),
    ]);
    // Without a TTY (noPrompter) nothing is asked and the missing credential is named.
    await expect(
      runFork(
        env.options({ fork: await env.newFork('unprompted'), release: '26.03', components: 'katib' }),
        env.deps({ KFG_GIT_TOKEN: '' }),
      ),
    ).rejects.toThrow(/no credential \(export KFG_GIT_TOKEN or pass --ssh-key\)/);
  });

  it('a branch that moves on the remote during the run: the push is refused, nothing overwritten', async () => {
    const fork = await env.newFork('moved');
    const opts = env.options({ fork, release: '26.03', target: 'kind', components: 'katib' });
    await runFork(opts, env.deps());
    const deps = env.deps();
    let theirs = '';
    const racing = {
      ...deps,
      git: {
        ...deps.git,
        // Someone else pushes to the branch between our read and our push: real git must refuse ours.
        async push(dir: string, url: string, branch: string, auth?: Parameters<typeof deps.git.push>[3]) {
          const other = join(mkdtempSync(join(env.root, 'race-')), 'f');
          await env.git(['clone', '--quiet', '--branch', branch, fork, other]);
          writeFileSync(join(other, 'TEAM.md'), 'ours\n');
          await env.git(['add', 'TEAM.md'], other);
          await env.git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '--quiet', '-m', 'team'], other);
          await env.git(['push', '--quiet', 'origin', `HEAD:${branch}`], other);
          theirs = (await env.git(['rev-parse', 'HEAD'], other)).trim();
          return deps.git.push(dir, url, branch, auth);
        },
      },
    };
    await expect(
      runFork(env.options({ fork, release: '26.03', target: 'gke', components: 'katib' }), racing),
    ).rejects.toThrow(/rejected: the branch moved on the remote since it was read\. Nothing was overwritten; re-run/);
    expect((await env.git(['ls-remote', fork, 'refs/heads/kubeflow-gitops'])).split('\t')[0]).toBe(theirs);
    // Re-running builds on top of their commit.
    const again = await runFork(
      env.options({ fork, release: '26.03', target: 'gke', components: 'katib' }),
      env.deps(),
    );
    expect(
      await env.git(['merge-base', '--is-ancestor', theirs, again.revision], join(env.root, 'git', 'me', 'moved.git')),
    ).toBe('');
  });

  it('a local path fork (air-gapped): plan reads a missing one as empty and creates nothing; fork creates it as a bare repository, Applications use file://', async () => {
    const path = join(mkdtempSync(join(env.root, 'local-')), 'fork.git');
    // Planned for the target whose Argo CD reads local paths (any other needs --argocd-repo-url).
    const planned = await runPlan(
      env.options({ fork: path, release: 'v1.10.2', target: 'local', components: 'katib' }),
      env.deps(),
    );
    expect(planned.notes).toContain(`${path} does not exist yet: fork creates it as a bare repository`);
    expect(planned.files.map((f) => f.path)).toContain('kubeflow-apps/katib.yaml');
    expect(existsSync(path)).toBe(false);
    const r = await runFork(
      env.options({ fork: path, release: 'v1.10.2', target: 'minikube', components: 'katib' }),
      env.deps(),
    );
    expect(existsSync(join(path, 'HEAD'))).toBe(true);
    expect(r.repoURL).toBe(`file://${path}`);
  });

  it('--upstream an internal mirror of kubeflow/manifests: every Application in the fork points at the fork', async () => {
    const fork = await env.newFork('from-mirror');
    const r = await runFork(
      env.options({
        fork,
        upstream: `${env.server.url}/kubeflow/manifests`,
        release: 'v1.10.2',
        target: 'generic',
        components: 'katib',
      }),
      env.deps(),
    );
    const bare = join(env.root, 'git', 'me', 'from-mirror.git');
    const files = (await env.git(['ls-tree', '-r', '--name-only', r.revision, 'kubeflow-apps/'], bare))
      .trim()
      .split('\n');
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const app = parse(await env.git(['show', `${r.revision}:${f}`], bare)) as {
        spec: { source: { repoURL: string; targetRevision: string } };
      };
      expect([f, app.spec.source.repoURL, app.spec.source.targetRevision]).toEqual([f, fork, 'kubeflow-gitops']);
    }
  });
});
