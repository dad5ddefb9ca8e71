/**
 * The wizard in a real terminal (tmux) against the local cluster and its git server: Ctrl-C at a
 * question exits 130 with nothing changed; a full run through every question (a wrong remote caught
 * at the question, the token pasted into a masked prompt) ends healthy; the saved config file then
 * repeats the same install with --yes and makes no new commit. cert-manager alone is the selection:
 * it installs in about a minute on this control plane.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';
import { toolMissing } from '../support/require-tool.js';
import { startTerminal, type Terminal } from '../support/tmux.js';

const run = promisify(execFile);
const skip =
  clusterUnavailable() ?? fixturesMissing() ?? toolMissing('tmux', 'the wizard is tested in a real terminal');

describe.skipIf(skip)('the install wizard in a real terminal', () => {
  let h: InstallHarness;
  const terminals: Terminal[] = [];
  const work = mkdtempSync(join(tmpdir(), 'kfg-wizard-'));
  const saved = join(work, 'install.yaml');
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  afterAll(async () => {
    for (const t of terminals) await t.kill();
    await h.cleanup();
  });

  /** The CLI in tmux as a person runs it: no CI, no token in the environment, a terminal on both ends. */
  async function wizard(args: string): Promise<Terminal> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(CI|KFG_.*|GITHUB_TOKEN|TMUX.*)$/.test(k)) env[k] = v;
    Object.assign(env, {
      TERM: 'xterm-256color',
      KUBECONFIG: h.env.kubeconfig,
      KFG_STATE_DIR: join(work, 'state'),
      // Not a question: where github.com's repositories come from on this machine.
      KFG_MIRROR: `https://github.com/=${h.env.gitUrl}/`,
    });
    const cli = `'${process.execPath}' --import tsx installer/cli.ts install ${args}`;
    const t = await startTerminal(`${cli}; echo "[exit $?]"; sleep 3600`, { env, cwd: projectRoot });
    terminals.push(t);
    return t;
  }
  const rootApp = () =>
    h.kube.get({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'kubeflow' });

  it('Ctrl-C at a question exits quietly with 130 and changes nothing', async () => {
    const t = await wizard('');
    await t.waitFor(/Kubernetes context/);
    await t.keys('Enter');
    await t.waitFor(/Cluster type \(detected: local/);
    await t.keys('C-c');
    const screen = await t.waitFor(/\[exit \d+\]/);
    expect(screen).toContain('[exit 130]');
    expect(screen).not.toContain('✗');
    expect(await rootApp()).toBeUndefined();
  });

  it('walks through every question, installs to healthy, and saves a config file that repeats it', async () => {
    const t = await wizard(`--save-config '${saved}' --timeout 10m`);
    let screen = await t.waitFor(/Kubernetes context/);
    expect(screen).toMatch(/❯ kfg-local {2}https:\/\/127\.0\.0\.1:\d+ {2}\(current\)/);
    await t.keys('Enter');
    screen = await t.waitFor(/Cluster type \(detected: local, from kwok \(fake\) nodes/);
    expect(screen).toMatch(/❯ local +the local control plane/);
    await t.keys('Enter');
    screen = await t.waitFor(/Kubeflow release/);
    expect(screen).toMatch(/❯ 26\.03 +released 2026-03-21/);
    await t.keys('Enter');

    screen = await t.waitFor(/Components for Kubeflow 26\.03/);
    expect(screen).toMatch(/27 components: 27 chosen/);
    await t.keys('a', 'a');
    await t.waitFor(/nothing selected/);
    await t.moveTo(/^❯◯ cert-manager /);
    await t.keys('Space');
    screen = await t.waitFor(
      /1 component: 1 chosen\nrequests 0\.0 CPU and 0\.0 GiB \(small footprint\); the cluster can allocate [\d.]+ CPU and [\d.]+ GiB: ✔ fits/,
    );
    await t.keys('Enter');

    await t.waitFor(/Where should your fork/);
    await t.keys('Enter'); // an existing git repository (no GITHUB_TOKEN here)
    // A remote that does not answer is caught at the question, and asked again.
    await t.waitFor(/Git URL of the fork/);
    await t.type('http://127.0.0.1:9/forks/nowhere.git');
    await t.keys('Enter');
    await t.waitFor(/Token for 127\.0\.0\.1:9 \(input hidden; or export KFG_GIT_TOKEN\)/);
    await t.paste(h.env.gitToken);
    await t.keys('Enter');
    await t.waitFor(
      /✗ git ls-remote http:\/\/127\.0\.0\.1:9\/forks\/nowhere\.git failed[\s\S]*Git URL of the fork .*\(http:\/\/127\.0\.0\.1:9\/forks\/nowhere\.git\)/,
    );
    await t.type(h.fork);
    await t.keys('Enter');
    await t.waitFor(/Token for 127\.0\.0\.1:\d+ \(input hidden[\s\S]*Token for 127\.0\.0\.1:\d+ \(input hidden/);
    await t.paste(h.env.gitToken);
    await t.keys('Enter');
    screen = await t.waitFor(/Branch Argo CD follows in the fork \(kubeflow-gitops\)/);
    expect(screen).toContain(`✔ ${h.fork} answers (git ls-remote)`);
    await t.keys('Enter');

    screen = await t.waitFor(/found in the cluster: adopt it/);
    expect(screen).toContain('✔ Admin login: none (Dex is not in this selection)');
    expect(screen).toMatch(/❯ adopt it and leave its configuration alone/);
    await t.keys('Enter');
    // Empty: the images come from the upstream registries.
    await t.waitFor(/Install images from your own registry\?/);
    await t.keys('Enter');
    screen = await t.waitFor(/Fork, push and install this now\?/);
    expect(screen).toMatch(
      /The plan\n {2}cluster {6}context kfg-local \(https:\/\/127\.0\.0\.1:\d+\), target local, small footprint/,
    );
    expect(screen).toMatch(/components {3}1 in sync-wave order \(0 added as dependencies\):\n {5}20 {2}cert-manager\n/);
    expect(screen).toContain(`fork         ${h.fork}, branch kubeflow-gitops (token from the prompt)`);
    expect(screen).not.toContain(h.env.gitToken);
    await t.keys('Enter');

    screen = await t.waitFor(/\[exit \d+\]/, 600_000);
    expect(screen, screen.slice(-3000)).toContain('[exit 0]');
    expect(screen).toMatch(/cert-manager +ready +Synced +Healthy/);
    expect(screen).not.toContain(h.env.gitToken);
    const [, revision] = /kubeflow-gitops ([0-9a-f]{40})/.exec(screen) ?? [];
    expect(revision).toBeDefined();

    // The answers, and nothing secret.
    const config = readFileSync(saved, 'utf8');
    expect(config).toContain('context: kfg-local');
    expect(config).toContain('target: local');
    expect(config).toContain('release: "26.03"');
    expect(config).toMatch(/components:\n {2}- cert-manager\n/);
    expect(config).toContain(`fork: ${h.fork}`);
    expect(config).not.toContain(h.env.gitToken);

    // The same install from the file, non-interactively: nothing new to commit or push.
    const again = await h.cli([
      'install',
      '--config',
      saved,
      '--yes',
      '--mirror',
      `https://github.com/=${h.env.gitUrl}/`,
      '--timeout',
      '5m',
    ]);
    expect(again.code, await h.explain(again)).toBe(0);
    expect(again.stderr).toContain(`the fork is up to date at ${(revision ?? '').slice(0, 7)}`);
    expect(again.stdout.trim()).toBe(`${h.fork} kubeflow-gitops ${revision ?? ''}`);
    const remote = (
      await run('git', ['ls-remote', h.fork, 'refs/heads/kubeflow-gitops'], { env: { ...process.env, ...h.gitEnv() } })
    ).stdout.split('\t')[0];
    expect(remote).toBe(revision);
  });
});
