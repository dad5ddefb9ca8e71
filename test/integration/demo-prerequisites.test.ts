/**
 * `demo` without the tools the local cluster needs, through the real CLI with a PATH that lacks them:
 * it names each missing one with what to install, exits 3, and builds, starts and writes nothing (the
 * cluster, cache and state directories are not even created). Bad input is refused before that.
 * Needs no cluster: the run stops before the first side effect.
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../../installer/systems/local-cluster/prerequisites.js';
import { runCli } from '../support/fork-env.js';
import { toolMissing } from '../support/require-tool.js';

const NO_STACK = /internal error|\n\s+at /;

/** A PATH holding only `tools` (links to the real ones), and directories the run must leave alone. */
function sandbox(tools: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'kfg-demo-pre-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const tool of tools) {
    const real = findOnPath(tool, process.env.PATH);
    if (real === undefined) throw new Error(`${tool} is not installed`);
    symlinkSync(real, join(bin, tool));
  }
  const dirs = {
    KFG_CLUSTER_DIR: join(root, 'cluster'),
    KFG_CACHE_DIR: join(root, 'cache'),
    KFG_STATE_DIR: join(root, 'state'),
  };
  return {
    env: { ...dirs, PATH: bin, CI: 'true' },
    untouched: () => Object.values(dirs).every((d) => !existsSync(d)),
  };
}

describe('demo: missing tools', () => {
  it('names Go, git and redis-server with what to install, exits 3, and creates nothing', async () => {
    const s = sandbox([]);
    const r = await runCli(['demo'], s.env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('- go: install Go >= 1.26 from https://go.dev/dl/');
    expect(r.stderr).toContain('- git: apt-get install git');
    expect(r.stderr).toContain('- redis-server: apt-get install redis-server');
    expect(r.stderr).toContain('nothing was built or started');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
    expect(s.untouched()).toBe(true);
  });

  it.skipIf(toolMissing('go', 'a PATH with Go but no redis-server'))(
    'with Go and git there, names only redis-server',
    async () => {
      const s = sandbox(['go', 'git']);
      const r = await runCli(['demo', '--components', 'cert-manager'], s.env);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('- redis-server: apt-get install redis-server');
      expect(r.stderr).not.toMatch(/- (go|git)[ :]/);
      expect(s.untouched()).toBe(true);
    },
  );

  it('checks its input first: an unknown component is exit 2 naming --components', async () => {
    const s = sandbox([]);
    const r = await runCli(['demo', '--components', 'nope'], s.env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--components: unknown "nope"');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(s.untouched()).toBe(true);
  });
});
