/**
 * A fork Argo CD can read, through the real CLI: a local path works only with --target local (whose
 * repo-server runs on this machine). For any other target `doctor`, `plan`, `install` and `apply`
 * refuse it with exit 2 before doing anything, naming --github-fork, HTTPS/SSH remotes and
 * --argocd-repo-url; with --argocd-repo-url (flag or config key) the Applications use that URL.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesMissing } from '../support/fixtures.js';
import { runCli, startForkEnv, TOKEN, type CliResult, type ForkEnv } from '../support/fork-env.js';

const NO_STACK = /internal error|\n\s+at /;

describe.skipIf(fixturesMissing())('a local path fork Argo CD cannot read', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  const cli = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
    runCli(args, {
      KFG_STATE_DIR: join(env.root, 'reach-state'),
      KFG_GIT_TOKEN: TOKEN,
      // Never read: the refusal comes before any cluster is looked at.
      KUBECONFIG: join(env.root, 'no-kubeconfig'),
      ...extraEnv,
    });
  const args = (command: string, fork: string, target: string) =>
    env.cliArgs(command, fork, '26.03', '--components', 'katib', '--target', target, '--yes');
  const refused = (r: CliResult, path: string, target: string) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--fork ${path} is a local path`);
    expect(r.stderr).toContain(`runs in the ${target} cluster`);
    expect(r.stderr).toContain('--github-fork <owner>');
    expect(r.stderr).toContain('an HTTPS or SSH remote');
    expect(r.stderr).toContain('--argocd-repo-url <url>');
    expect(r.stderr).not.toMatch(NO_STACK);
  };

  it('plan, install, apply and doctor refuse it for kind, eks and generic; nothing is created', async () => {
    const seen = env.server.requests.length;
    for (const target of ['kind', 'eks', 'generic']) {
      const path = join(mkdtempSync(join(env.root, `reach-${target}-`)), 'fork.git');
      refused(await cli(args('plan', path, target)), path, target);
      refused(await cli(args('install', path, target)), path, target);
      refused(await cli(args('apply', path, target)), path, target);
      refused(await cli(['doctor', '--fork', path, '--target', target]), path, target);
      expect(existsSync(path)).toBe(false);
    }
    // Not even the upstream was read.
    expect(env.server.requests.length).toBe(seen);
  });

  it('--argocd-repo-url (flag or config key) lifts it, and the Applications use that URL', async () => {
    const path = join(mkdtempSync(join(env.root, 'reach-url-')), 'fork.git');
    const url = 'https://git.example.com/team/manifests.git';
    const flag = await cli([...args('plan', path, 'kind'), '--argocd-repo-url', url, '--output', 'json']);
    expect(flag.code, flag.stderr).toBe(0);
    const plan = JSON.parse(flag.stdout) as { files: { path: string; diff: string }[] };
    expect(plan.files.find((f) => f.path === 'kubeflow-apps/katib.yaml')?.diff).toContain(`+    repoURL: ${url}`);
    expect(plan.files.map((f) => f.diff).join('\n')).not.toContain('file://');

    const config = join(mkdtempSync(join(env.root, 'reach-cfg-')), 'install.yaml');
    writeFileSync(config, `argocd-repo-url: ${url}\n`);
    const fromFile = await cli([...args('plan', path, 'kind'), '--config', config]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toContain(`repoURL: ${url}`);
    expect(existsSync(path)).toBe(false);
  });

  it('--target local reads a local path as it is', async () => {
    const path = join(mkdtempSync(join(env.root, 'reach-local-')), 'fork.git');
    const r = await cli(args('plan', path, 'local'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`repoURL: file://${path}`);
  });
});
