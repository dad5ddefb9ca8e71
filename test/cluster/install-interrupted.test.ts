/**
 * Re-running is the recovery path: `install` killed with SIGKILL at each step boundary and run again
 * ends healthy, with one commit in the fork and nothing orphaned in the cluster. Each boundary starts
 * from a fresh fork and a cluster cleaned by `uninstall`, whose end state is compared with the start;
 * so does a run stopped while seeding and followed by `uninstall` alone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { listingSettledTo, quietListing } from '../support/cluster-listing.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

/** Where to kill: the first progress line that shows the step before it has finished. */
const BOUNDARIES: readonly { name: string; marker: RegExp }[] = [
  { name: 'after clone', marker: /vendoring remote kustomize bases/ },
  { name: 'after push', marker: /pushed [0-9a-f]{7} to/ },
  { name: 'after Argo CD and the secrets', marker: /applying the root Application/ },
  { name: 'after root apply', marker: /watching \d+ components/ },
  { name: 'mid-watch', marker: /: ready — / },
];

describe.skipIf(skip)('install killed at each step boundary and run again', () => {
  let h: InstallHarness;
  let before: string[] = [];
  beforeAll(async () => {
    h = await startInstallHarness();
    before = await quietListing(h.kube);
  });
  afterAll(async () => {
    await h.cleanup();
  });

  const uninstallLeavesClusterAsBefore = async () => {
    const gone = await h.cli(['uninstall', '--yes', '--wave-timeout', '5m']);
    expect(gone.code, gone.stderr.slice(-3000)).toBe(0);
    const after = await listingSettledTo(h.kube, before);
    expect(
      after.filter((x) => !before.includes(x)),
      'orphaned',
    ).toEqual([]);
  };
  const args = (fork: string) => h.installArgs({ fork, components: 'cert-manager', timeout: '10m' });

  for (const [i, b] of BOUNDARIES.entries()) {
    it(`${b.name}: the re-run ends healthy, the fork has one commit, uninstall leaves the cluster as it was`, async () => {
      const fork = h.env.createForkRepo(`interrupted-${i}-${Date.now().toString(36)}`);
      let killed = false;
      const first = await h.cli(args(fork), {}, (line) => {
        if (killed || !b.marker.test(line)) return undefined;
        killed = true;
        return 'kill';
      });
      expect(killed, `never saw "${b.marker.source}":\n${first.stderr.slice(-2000)}`).toBe(true);
      expect(first.code).not.toBe(0);

      const again = await h.cli(args(fork));
      expect(again.code, await h.explain(again)).toBe(0);

      const work = mkdtempSync(join(tmpdir(), 'kfg-interrupted-'));
      await run('git', ['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, work], {
        env: { ...process.env, ...h.gitEnv() },
      });
      const subjects = (await run('git', ['log', '--format=%s', 'kubeflow-gitops'], { cwd: work })).stdout.split('\n');
      expect(subjects.filter((s) => s.startsWith('kubeflow-gitops:'))).toHaveLength(1);

      await uninstallLeavesClusterAsBefore();
    });
  }

  it('stopped while seeding, uninstall alone leaves the cluster as it was', async () => {
    const fork = h.env.createForkRepo(`interrupted-seed-${Date.now().toString(36)}`);
    let killed = false;
    // The CRDs are Established: the component's objects are seeded, its Application comes next.
    const first = await h.cli(args(fork), {}, (line) => {
      if (killed || !/applied \d+ new or changed CRDs ahead/.test(line)) return undefined;
      killed = true;
      return 'kill';
    });
    expect(killed, first.stderr.slice(-2000)).toBe(true);
    await uninstallLeavesClusterAsBefore();
  });
});
