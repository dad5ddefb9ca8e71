/**
 * A run ended by Ctrl-C, SIGTERM or an error removes what it made for itself. Real processes, real
 * signals: `fork` is interrupted while it clones (Ctrl-C as a terminal sends it, to the whole process
 * group, git included; SIGINT and SIGTERM to the CLI alone) and must exit 130 with nothing left in its
 * private TMPDIR and no fork created; `upgrade` interrupted mid-clone, and `upgrade --to` an older
 * release (exit 2), leave no working copy under the state directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';
import { runCli, startForkEnv, TOKEN, type CliResult, type ForkEnv } from '../support/fork-env.js';

const CLI = join(projectRoot, 'installer', 'cli.ts');
const NO_STACK = /internal error|\n\s+at /;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Dirs {
  tmp: string;
  state: string;
}

function privateDirs(root: string, name: string): Dirs {
  const dir = mkdtempSync(join(root, `${name}-`));
  const dirs = { tmp: join(dir, 'tmp'), state: join(dir, 'state') };
  mkdirSync(dirs.tmp);
  mkdirSync(dirs.state);
  return dirs;
}

/** Every path under `dir`, a few levels deep (enough to see a clone's working tree appear). */
function listing(dir: string, depth = 3): string[] {
  if (depth === 0 || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [e.name, ...listing(join(dir, e.name), depth - 1).map((p) => `${e.name}/${p}`)] : [e.name],
  );
}

/**
 * Runs the CLI in its own process group and sends `signal` once `ready()` says the run is where the
 * test wants it: to the group (what Ctrl-C in a terminal does) or to the CLI process alone.
 */
function interruptedRun(
  args: string[],
  env: Record<string, string>,
  ready: () => boolean,
  how: { signal: NodeJS.Signals; group: boolean },
): Promise<CliResult & { signalled: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (signalled || !ready()) return;
      signalled = true;
      if (how.group && child.pid !== undefined) process.kill(-child.pid, how.signal);
      else child.kill(how.signal);
    }, 50);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code: code ?? -1, stdout, stderr, signalled });
    });
  });
}

describe.skipIf(fixturesMissing())('interrupted and failed runs clean up after themselves', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  const runEnv = (d: Dirs) => ({
    TMPDIR: d.tmp,
    // tsx's compile cache would be the only thing in TMPDIR: keep it out.
    TSX_DISABLE_CACHE: '1',
    KFG_STATE_DIR: d.state,
    KFG_GIT_TOKEN: TOKEN,
    CI: 'true',
  });
  const forkArgs = (fork: string, release = 'v1.11.0') =>
    env.cliArgs('fork', fork, release, '--target', 'kind', '--components', 'pipelines', '--yes');

  for (const how of [
    { name: 'Ctrl-C (SIGINT to the process group)', signal: 'SIGINT', group: true },
    { name: 'SIGINT to the CLI alone', signal: 'SIGINT', group: false },
    { name: 'SIGTERM to the CLI alone', signal: 'SIGTERM', group: false },
  ] as const) {
    it(`fork interrupted while cloning, ${how.name}: exit 130, no clone in TMPDIR, no fork`, async () => {
      const d = privateDirs(env.root, 'fork-int');
      const fork = join(env.root, `int-${how.signal}-${String(how.group)}`, 'fork.git');
      // The clone has started once its working copy's .git is there.
      const cloning = () => listing(d.tmp).some((p) => /^kubeflow-gitops-[^/]+\/fork\/\.git(\/|$)/.test(p));
      const r = await interruptedRun(forkArgs(fork), runEnv(d), cloning, how);
      expect(r.signalled, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain('interrupted');
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(listing(d.tmp)).toEqual([]);
      // Nothing comes back later either (no orphaned git still writing).
      await sleep(1500);
      expect(listing(d.tmp)).toEqual([]);
      expect(existsSync(fork)).toBe(false);
      expect(listing(d.state)).toEqual([]);
    });
  }

  it('upgrade interrupted while cloning the fork: exit 130, no working copy under the state directory', async () => {
    const fork = await env.newFork('upgrade-int');
    await runFork(env.options({ fork, release: 'v1.11.0', target: 'kind', components: 'katib' }), env.deps());
    const d = privateDirs(env.root, 'upgrade-int');
    const cloning = () => listing(join(d.state, 'upgrades')).some((p) => /\/fork\/\.git(\/|$)/.test(p));
    const r = await interruptedRun(
      ['upgrade', '--fork', fork, '--mirror', env.mirror, '--to', '26.03', '--yes', '--no-apply'],
      runEnv(d),
      cloning,
      { signal: 'SIGINT', group: true },
    );
    expect(r.signalled, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).not.toMatch(NO_STACK);
    await sleep(1500);
    expect(listing(join(d.state, 'upgrades'))).toEqual([]);
    expect(listing(d.tmp)).toEqual([]);
  });

  it('upgrade --to an older release: exit 2, no working copy under the state directory', async () => {
    const fork = await env.newFork('upgrade-older');
    await runFork(env.options({ fork, release: 'v1.11.0', target: 'kind', components: 'katib' }), env.deps());
    const d = privateDirs(env.root, 'upgrade-older');
    const r = await runCli(
      ['upgrade', '--fork', fork, '--mirror', env.mirror, '--to', 'v1.10.2', '--yes', '--no-apply'],
      runEnv(d),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('v1.11.0');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(listing(join(d.state, 'upgrades'))).toEqual([]);
    expect(listing(d.tmp)).toEqual([]);
  });
});
