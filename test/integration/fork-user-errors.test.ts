/**
 * Mistakes in the user's input, through the CLI against loopback git mirrors: each names the flag
 * or file to fix, exits 2 (6 for a branch on another release), prints no stack trace and changes
 * nothing. Also the fork shapes Argo CD reads that the rewriter must follow, and a git server that
 * echoes the credentials it was sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { fixturesMissing } from '../support/fixtures.js';
import { runCli, startForkEnv, TOKEN, type CliResult, type ForkEnv } from '../support/fork-env.js';

const NO_STACK = /internal error|\n\s+at /;

describe.skipIf(fixturesMissing())('fork: user errors and team Applications', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  const cli = (args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliResult> =>
    runCli(args, { KFG_STATE_DIR: join(env.root, 'cli-state'), KFG_GIT_TOKEN: TOKEN, ...extraEnv });
  const forkArgs = (fork: string, release = 'v1.11.0', target = 'kind', extra: string[] = []): string[] =>
    env.cliArgs('fork', fork, release, '--target', target, '--components', 'katib', '--yes', ...extra);
  /** A fork made by kubeflow-gitops, cloned for a team to edit. */
  async function forkedClone(name: string): Promise<{ fork: string; clone: string }> {
    const fork = await env.newFork(name);
    await runFork(env.options({ fork, release: 'v1.11.0', target: 'kind', components: 'katib' }), env.deps());
    const clone = join(mkdtempSync(join(env.root, `${name}-`)), 'clone');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, clone]);
    return { fork, clone };
  }
  async function commitAndPush(clone: string, files: Record<string, string>): Promise<void> {
    for (const [path, text] of Object.entries(files)) writeFileSync(join(clone, path), text);
    await env.git(['add', '-A'], clone);
    await env.git(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '--quiet', '-m', 'team'], clone);
    await env.git(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops'], clone);
  }
  const upstream = 'https://github.com/kubeflow/manifests';

  it('YAML the rewriter will not edit: exit 2 naming file:line:col, no stack, nothing pushed', async () => {
    const { fork, clone } = await forkedClone('unrewritable');
    const app = (source: string, extra = '') =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: team\n${extra}spec:\n  source:\n${source}`;
    const cases: [string, string, RegExp][] = [
      [
        'a shared anchor',
        app(`    repoURL: ${upstream}\n    targetRevision: &r v1.11.0\n    path: x\n`, '  labels: {rev: *r}\n'),
        /kubeflow-apps\/team\.yaml:\d+:\d+: .*anchor &r/,
      ],
      [
        'a merge key',
        app(`    <<: {targetRevision: main}\n    repoURL: ${upstream}\n    path: x\n`),
        /kubeflow-apps\/team\.yaml:\d+:\d+: .*merge key/,
      ],
      [
        'a syntax error',
        app(`    repoURL: ${upstream}\n    path: [x\n`),
        /kubeflow-apps\/team\.yaml:\d+:\d+: YAML syntax error/,
      ],
    ];
    for (const [what, text, message] of cases) {
      await commitAndPush(clone, { 'kubeflow-apps/team.yaml': text });
      const before = await env.git(['ls-remote', fork]);
      const r = await cli(forkArgs(fork));
      expect([what, r.code]).toEqual([what, 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(await env.git(['ls-remote', fork])).toBe(before);
    }
  });

  it('a team Application not in UTF-8 is refused naming it; in UTF-8 every byte outside the edits stays', async () => {
    const { fork, clone } = await forkedClone('encodings');
    const team = (comment: Buffer, eol = '\n') =>
      Buffer.concat([
        Buffer.from(`apiVersion: argoproj.io/v1alpha1${eol}kind: Application${eol}metadata:${eol}  name: team # `),
        comment,
        Buffer.from(
          `${eol}  labels: {owner: "équipe données"}${eol}spec:${eol}  source:${eol}    repoURL: ${upstream}${eol}    targetRevision: v1.11.0${eol}    path: apps/team${eol}`,
        ),
      ]);
    // "équipe" as Latin-1: 0xE9 where UTF-8 has 0xC3 0xA9.
    const latin1 = team(Buffer.from('équipe', 'latin1'));
    writeFileSync(join(clone, 'kubeflow-apps', 'team.yaml'), latin1);
    await commitAndPush(clone, {});
    const before = await env.git(['ls-remote', fork]);
    const refused = await cli(forkArgs(fork, 'v1.11.0', 'minikube'));
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/kubeflow-apps\/team\.yaml:4:16: not UTF-8 \(byte 0xE9\).*Re-encode it as UTF-8/);
    expect(refused.stderr).not.toMatch(NO_STACK);
    expect(await env.git(['ls-remote', fork])).toBe(before);

    // The same file in UTF-8, with a byte order mark and CRLF line ends: only the two values change.
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), team(Buffer.from('équipe 数据', 'utf8'), '\r\n')]);
    writeFileSync(join(clone, 'kubeflow-apps', 'team.yaml'), utf8);
    await commitAndPush(clone, {});
    const r = await cli(forkArgs(fork, 'v1.11.0', 'minikube'));
    expect(r.code, r.stderr).toBe(0);
    await env.git(['pull', '--quiet'], clone);
    const expected = Buffer.from(
      utf8
        .toString('utf8')
        .replace(`repoURL: ${upstream}`, `repoURL: ${fork}`)
        .replace('targetRevision: v1.11.0', 'targetRevision: kubeflow-gitops'),
      'utf8',
    );
    expect(readFileSync(join(clone, 'kubeflow-apps', 'team.yaml')).equals(expected)).toBe(true);
  });

  it('team Applications in a List, in JSON, and one named like a component elsewhere', async () => {
    const { fork, clone } = await forkedClone('team-apps');
    const item = (name: string, path: string) =>
      `- apiVersion: argoproj.io/v1alpha1\n  kind: Application\n  metadata: {name: ${name}, namespace: argocd}\n  spec:\n    source:\n      repoURL: ${upstream}\n      targetRevision: v1.11.0\n      path: ${path}\n`;
    const list = `apiVersion: v1\nkind: List\nitems:\n${item('team-a', 'apps/a')}${item('team-b', 'apps/b')}`;
    const json = `${JSON.stringify(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'team-json' },
        spec: { source: { repoURL: `${upstream}.git`, targetRevision: 'v1.11.0', path: 'apps/json' } },
      },
      null,
      2,
    )}\n`;
    // Same name as the katib component, another namespace, no component annotation: not katib.
    const namesake = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: katib\n  namespace: team-ns\nspec:\n  source:\n    repoURL: ${upstream}\n    targetRevision: v1.11.0\n    path: apps/our-katib\n`;
    await commitAndPush(clone, {
      'kubeflow-apps/team-list.yaml': list,
      'kubeflow-apps/team.json': json,
      'kubeflow-apps/team-katib.yaml': namesake,
    });
    // Another target moves the component's path, which is what a name match would wrongly copy.
    const r = await cli(forkArgs(fork, 'v1.11.0', 'minikube'));
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.code).toBe(0);
    await env.git(['pull', '--quiet'], clone);
    const read = (p: string) => readFileSync(join(clone, 'kubeflow-apps', p), 'utf8');
    const onFork = (text: string) => text.replaceAll(upstream, fork).replaceAll('v1.11.0', 'kubeflow-gitops');
    expect(read('team-list.yaml')).toBe(onFork(list));
    expect(read('team.json')).toBe(json.replace(`${upstream}.git`, fork).replace('"v1.11.0"', '"kubeflow-gitops"'));
    expect(JSON.parse(read('team.json'))).toMatchObject({ spec: { source: { repoURL: fork, path: 'apps/json' } } });
    expect(read('team-katib.yaml')).toBe(onFork(namesake));
    const katib = parse(read('katib.yaml')) as { spec: { source: { path: string } } };
    expect(katib.spec.source.path).toBe('overlays/minikube/katib');
  });

  it('a server echoing the credentials it was sent: the token is in no form in the output', async () => {
    const token = 'tok/en+with=special&chars-0123';
    const forms = [token, encodeURIComponent(token), Buffer.from(`x-access-token:${token}`).toString('base64')];
    const r = await cli(forkArgs(`${env.server.url}/echo/manifests.git`), { KFG_GIT_TOKEN: token });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('access denied for credentials ***');
    for (const f of forms) expect(`${r.stdout}${r.stderr}`).not.toContain(f);
  });

  it('a missing --ssh-key file is named before anything happens: exit 2', async () => {
    const seen = env.server.requests.length;
    const missing = join(env.root, 'no-such-key');
    const flag = await cli(forkArgs('ssh://git@127.0.0.1:1/me/x.git', 'v1.11.0', 'kind', ['--ssh-key', missing]));
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(`--ssh-key: the SSH key ${missing} does not exist`);
    const fromEnv = await cli(forkArgs(`${env.server.url}/me/x.git`), { KFG_SSH_KEY: missing });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(`KFG_SSH_KEY: the SSH key ${missing} does not exist`);
    expect(env.server.requests.length).toBe(seen);
  });

  it('an empty directory as --fork is used as the new bare repository; plan reads it as empty', async () => {
    const dir = mkdtempSync(join(env.root, 'empty-fork-'));
    const plan = await cli(['plan', ...forkArgs(dir, 'v1.11.0', 'local').slice(1)]);
    expect(plan.stderr).not.toMatch(NO_STACK);
    expect(plan.code).toBe(0);
    const r = await cli(forkArgs(dir));
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.code).toBe(0);
    expect(await env.git(['--git-dir', dir, 'rev-parse', '--is-bare-repository'])).toBe('true\n');
  });

  it('a --fork path that cannot be created is named: exit 2, no stack', async () => {
    const file = join(mkdtempSync(join(env.root, 'not-a-dir-')), 'plain-file');
    writeFileSync(file, 'x\n');
    const path = join(file, 'fork.git');
    const r = await cli(forkArgs(path));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--fork ${path}: cannot create the bare repository there`);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('a branch on a later release names that release, and its advice works; not "(upgraded)" when it was forked there', async () => {
    const fork = await env.newFork('newer');
    await runFork(env.options({ fork, release: 'v1.11.0', target: 'kind', components: 'katib' }), env.deps());
    const before = await env.git(['ls-remote', fork]);
    const ahead = await cli(forkArgs(fork, '26.03'));
    expect(ahead.code).toBe(6);
    expect(ahead.stderr).toContain('is on Kubeflow v1.11.0, not 26.03');
    expect(ahead.stderr).toContain('pass --release v1.11.0');
    const older = await cli(forkArgs(fork, 'v1.10.2'));
    expect(older.code).toBe(6);
    expect(older.stderr).toContain('is on Kubeflow v1.11.0, not v1.10.2');
    expect(older.stderr).not.toContain('(upgraded)');
    expect(await env.git(['ls-remote', fork])).toBe(before);
    const advised = await cli(forkArgs(fork, 'v1.11.0'));
    expect(advised.stderr).not.toMatch(NO_STACK);
    expect(advised.code).toBe(0);
  });
});
