/**
 * Settings and the admin login through the real CLI and real git/kustomize: a config file's values
 * beat commander defaults, KFG_* variables beat the file, a bad file is refused with file:line and
 * key, and --admin-email reaches the Dex configuration and the example profile Argo CD will apply.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';
import { run, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';

const CLI = join(projectRoot, 'installer', 'cli.ts');

describe.skipIf(fixturesMissing())('install settings and the admin login', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  async function cli(
    args: string[],
    extraEnv: Record<string, string> = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: projectRoot,
        maxBuffer: 1 << 26,
        env: { ...process.env, CI: 'true', KFG_STATE_DIR: join(env.root, 'cli-state'), ...extraEnv },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('defaults < config file < KFG_* variables < flags, and a bad file names file, line and key', async () => {
    const fork = await env.newFork('settings');
    const file = join(mkdtempSync(join(env.root, 'cfg-')), 'install.yaml');
    writeFileSync(
      file,
      `fork: ${fork}\nrelease: "26.03"\ncomponents: [katib]\ntarget: kind\nbranch: team\nmirror: ["${env.mirror}"]\n`,
    );
    const fromFile = await cli(['plan', '--config', file], { KFG_GIT_TOKEN: TOKEN });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toContain(`fork: ${fork}  branch: team`);
    const fromEnv = await cli(['plan', '--config', file, '--components', 'pipelines'], {
      KFG_GIT_TOKEN: TOKEN,
      KFG_BRANCH: 'from-env',
      KFG_TARGET: 'minikube',
    });
    expect(fromEnv.stdout).toContain('Kubeflow 26.03 for target minikube');
    expect(fromEnv.stdout).toContain('branch: from-env');
    expect(fromEnv.stdout).toMatch(/ pipelines +overlays\/minikube\/pipelines/);

    writeFileSync(file, `fork: ${fork}\nrelease: 26.10\nadmin-password: hunter2\n`);
    const bad = await cli(['install', '--config', file, '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `${file}:2:10: key release: must be one of v1.10.2, v1.11.0, 26.03 (default), 26.03.1-rc.2 (pre-release) (got "26.10")`,
    );
    expect(bad.stderr).toContain(`${file}:3:1: key admin-password: secrets never go in config files`);
    expect(bad.stderr).not.toContain('hunter2');
  });

  it('--admin-email reaches the Dex static user and the example profile; a re-run without it keeps it', async () => {
    const fork = await env.newFork('email');
    const opts = env.options({
      fork,
      release: '26.03',
      target: 'kind',
      components: 'user-namespace',
      adminEmail: 'ada@example.org',
    });
    const first = await runFork(opts, env.deps());
    expect(first.plan.adminEmail).toBe('ada@example.org');
    const again = await runFork(
      env.options({ fork, release: '26.03', target: 'kind', components: 'user-namespace' }),
      env.deps(),
    );
    expect(again.committed).toBe(false);

    const clone = join(mkdtempSync(join(env.root, 'email-')), 'f');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    const render = async (dir: string) =>
      (await run('kubectl', ['kustomize', dir], { cwd: clone, maxBuffer: 1 << 26 })).stdout;
    const dex = await render('overlays/kind/dex');
    expect(dex).toMatch(/staticPasswords:\n\s+- email: ada@example\.org\n\s+hashFromEnv: DEX_USER_PASSWORD/);
    expect(dex).not.toContain('user@example.com');
    expect(dex).toMatch(/DEX_USER_PASSWORD: \$2[aby]\$12\$/);
    expect(await render('overlays/kind/user-namespace')).toMatch(/owner:\n\s+kind: User\n\s+name: ada@example\.org/);
  });
});
