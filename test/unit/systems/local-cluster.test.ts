/**
 * How the installer reaches the local cluster's code: from a source checkout only, with a message
 * that says what to do anywhere else, and with the shape systems/local-cluster.ts expects.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../../installer/errors.js';
import {
  loadLocalCluster,
  type LifecycleModule,
  type PrerequisitesModule,
} from '../../../installer/systems/local-cluster.js';
import * as lifecycle from '../../local-cluster/lifecycle.js';
import { findOnPath, goIsRecent } from '../../local-cluster/prerequisites.js';
import * as prerequisites from '../../local-cluster/prerequisites.js';
import { projectRoot } from '../../support/fixtures.js';

// Compile-time: the modules loaded at run time have the functions the bridge calls, as it types them.
const shapes: [LifecycleModule, PrerequisitesModule] = [lifecycle, prerequisites];

describe('loadLocalCluster', () => {
  it('loads the local cluster from the source checkout', async () => {
    expect(shapes).toHaveLength(2);
    const cluster = await loadLocalCluster(projectRoot);
    expect(typeof cluster.up).toBe('function');
    // Nothing on PATH: every tool is named with what to install.
    expect(cluster.missing({ PATH: mkdtempSync(join(tmpdir(), 'kfg-nopath-')) }).map((m) => m.name)).toEqual([
      'go',
      'git',
      'redis-server',
    ]);
  });

  it('outside a source checkout, says how to get one (exit 3)', async () => {
    const err = await loadLocalCluster(mkdtempSync(join(tmpdir(), 'kfg-pkg-'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(ExitCode.preflight);
    expect((err as UserError).message).toContain(
      'built from a source checkout of kubeflow-gitops: git clone the project, then run `npm ci && npm run demo` in it',
    );
  });
});

describe('prerequisites', () => {
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
