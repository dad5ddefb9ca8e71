/**
 * What the installer asks the local cluster before `demo` builds anything: the tools it needs, each
 * named with what to install, looked up on the PATH it is given.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, goIsRecent } from '../../../installer/systems/local-cluster/prerequisites.js';
import { localCluster } from '../../../installer/systems/local-cluster.js';

describe('prerequisites', () => {
  it('names every tool when nothing is on PATH, and nothing else (no upstream data)', () => {
    expect(localCluster.missing({ PATH: mkdtempSync(join(tmpdir(), 'kfg-nopath-')) }).map((m) => m.name)).toEqual([
      'go',
      'git',
      'redis-server',
    ]);
  });
  it('finds executables on a PATH without a shell', () => {
    expect(findOnPath('git', process.env.PATH)).toMatch(/\/git$/);
    expect(findOnPath('no-such-tool-kfg', process.env.PATH)).toBeUndefined();
    expect(findOnPath('git', '')).toBeUndefined();
  });
  it('wants Go 1.26 or newer', () => {
    expect(['go1.26.0', 'go1.26.8', 'go1.27rc1', 'go2.0'].map(goIsRecent)).toEqual([true, true, true, true]);
    expect(['go1.25.9', 'go1.9', 'devel', ''].map(goIsRecent)).toEqual([false, false, false, false]);
  });
});
