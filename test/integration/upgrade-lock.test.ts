/**
 * The upgrade lock between real processes: a second run on the same fork and branch must not start
 * while a first one works in the shared working copy, and a run killed with SIGKILL must not block
 * the next one for longer than its lock takes to go stale.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../installer/core/errors.js';
import type { Logger } from '../../installer/ui/logger.js';
import { upgradeDirs, withUpgradeLock } from '../../installer/commands/upgrade/upgrade-state.js';
import { projectRoot } from '../support/fixtures.js';

const stateDir = mkdtempSync(join(tmpdir(), 'kfg-upgrade-lock-'));
const FORK = 'https://git.example.com/team/manifests.git';
const dirs = upgradeDirs(stateDir, FORK, 'kubeflow-gitops');

/** Another installer process that takes the lock, says so, and works until it is killed. */
function holder(): Promise<ChildProcess> {
  const code = `
    const { upgradeDirs, withUpgradeLock } = await import(${JSON.stringify(join(projectRoot, 'installer/commands/upgrade/upgrade-state.ts'))});
    const log = { step() {}, info() {}, warn() {} };
    await withUpgradeLock(upgradeDirs(${JSON.stringify(stateDir)}, ${JSON.stringify(FORK)}, 'kubeflow-gitops'), 'fork', log, async () => {
      process.stdout.write('held\\n');
      await new Promise(() => setInterval(() => {}, 1000));
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('held')) resolve(child);
    });
    child.on('exit', (c) => {
      reject(new Error(`lock holder exited with ${String(c)}`));
    });
  });
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, step: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

describe('the upgrade lock', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses a second run while the first is alive, naming the lock, without running its work', async () => {
    const first = await holder();
    children.push(first);
    let ran = false;
    const log = recordingLog();
    const err = await withUpgradeLock(dirs, 'team/manifests kubeflow-gitops', log, () => {
      ran = true;
      return Promise.resolve();
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(6);
    expect((err as Error).message).toContain(
      'another kubeflow-gitops upgrade of team/manifests kubeflow-gitops is running',
    );
    expect((err as Error).message).toContain(dirs.lockFile);
    expect(ran).toBe(false);
    expect(log.lines.join('\n')).toContain('waiting up to 15 s');
  });

  it('takes over the lock of a run killed with SIGKILL once it goes stale, and frees it when done', async () => {
    const first = children[0] ?? (await holder());
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const log = recordingLog();
    expect(await withUpgradeLock(dirs, 'fork', log, () => Promise.resolve('done'))).toBe('done');
    expect(log.lines.some((l) => l.includes('waiting'))).toBe(true);

    // Released: the next run takes it at once.
    const next = recordingLog();
    expect(await withUpgradeLock(dirs, 'fork', next, () => Promise.resolve(1))).toBe(1);
    expect(next.lines).toEqual([]);
  });
});
