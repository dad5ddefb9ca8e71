/**
 * Adopting each older Argo CD line upstream still patches (v3.5, v3.4; the cluster tier runs v3.6):
 * the local cluster swaps its Argo CD to that release, then a small install goes to Synced at the
 * pushed commit and Healthy, `doctor` and `status` report it, and `uninstall` leaves the cluster as it
 * was. Run with `npm run test:adopt` (about 5 minutes per line once built; see docs/testing.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_VERSIONS, type ArgocdVersion } from '../../installer/systems/local-cluster/config.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { expectListingAsBefore, quietListing } from '../support/cluster-listing.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const skip = clusterUnavailable() ?? fixturesMissing();
const OLDER: ArgocdVersion[] = ARGOCD_VERSIONS.filter((v) => v !== ARGOCD_VERSIONS[0]);

describe.skipIf(skip).each(OLDER)('adopting Argo CD %s', (version) => {
  let h: InstallHarness;
  let before: string[] = [];
  beforeAll(async () => {
    h = await startInstallHarness({ argocdVersion: version });
    before = await quietListing(h.kube);
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it('doctor reports the version as tested', async () => {
    const r = await h.cli(['doctor', '--release', '26.03', '--target', 'local']);
    expect(r.stdout + r.stderr, r.stderr).toContain(`Argo CD ${version} is tested`);
  });

  it('installs cert-manager and Istio to Synced at the pushed commit and Healthy, and status agrees', async () => {
    const r = await h.cli(h.installArgs({ components: 'cert-manager,istio', timeout: '15m' }));
    expect(r.code, await h.explain(r)).toBe(0);
    const s = await h.cli(['status']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/istio\S*\s+ready/);
  });

  it('uninstall leaves exactly the objects that were there before', async () => {
    const r = await h.cli(['uninstall', '--yes', '--wave-timeout', '5m']);
    expect(r.code, await h.explain(r)).toBe(0);
    await expectListingAsBefore(h.kube, before);
  });
});
