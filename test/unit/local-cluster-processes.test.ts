import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ports } from '../../installer/systems/local-cluster/config.js';
import {
  isAlive,
  runningPid,
  startManaged,
  stopManaged,
  waitFor,
} from '../../installer/systems/local-cluster/processes.js';
import { ComponentFailedError } from '../../installer/systems/local-cluster/errors.js';

function dirs() {
  const root = mkdtempSync(join(tmpdir(), 'kfg-proc-'));
  mkdirSync(join(root, 'logs'));
  mkdirSync(join(root, 'pids'));
  return { logs: join(root, 'logs'), pids: join(root, 'pids') };
}

describe('local cluster process bookkeeping', () => {
  const started: { pids: string; name: string }[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await stopManaged(s.pids, s.name, 1000);
  });

  it('records, recognises and stops its own process group', async () => {
    const d = dirs();
    const pid = startManaged({ name: 'sleeper', command: 'sleep', args: ['30'] }, d.logs, d.pids);
    started.push({ pids: d.pids, name: 'sleeper' });
    expect(runningPid(d.pids, 'sleeper')).toBe(pid);
    expect(await stopManaged(d.pids, 'sleeper')).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(runningPid(d.pids, 'sleeper')).toBeUndefined();
  });

  it('never claims a live pid whose command line is not ours (pid reuse)', () => {
    const d = dirs();
    writeFileSync(join(d.pids, 'etcd.pid'), JSON.stringify({ pid: process.pid, match: '/no/such/etcd' }));
    expect(runningPid(d.pids, 'etcd')).toBeUndefined();
  });

  it('fails a readiness wait with the tail of the log when the process dies', async () => {
    const d = dirs();
    const pid = startManaged(
      { name: 'dies', command: 'sh', args: ['-c', 'echo "bind: address already in use"; exit 1'] },
      d.logs,
      d.pids,
    );
    const wait = waitFor(() => Promise.resolve(false), {
      name: 'dies',
      timeoutMs: 10_000,
      log: join(d.logs, 'dies.log'),
      pid,
    });
    await expect(wait).rejects.toThrow(ComponentFailedError);
    await expect(wait).rejects.toThrow(/address already in use/);
    expect(readFileSync(join(d.logs, 'dies.log'), 'utf8')).toContain('address already in use');
  });

  it('reads port overrides from KFG_PORT_<NAME> and rejects nonsense', () => {
    process.env.KFG_PORT_REPO_SERVER_METRICS = '40001';
    expect(ports().repoServerMetrics).toBe(40001);
    process.env.KFG_PORT_REPO_SERVER_METRICS = 'x';
    expect(() => ports()).toThrow(/invalid port/);
    delete process.env.KFG_PORT_REPO_SERVER_METRICS;
  });
});
