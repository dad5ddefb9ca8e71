/**
 * Day two on the local cluster (real kube-apiserver, real Argo CD, a fork on the loopback git server):
 * install v1.11.0 with the two components 26.03 folds into others (kubeflow-issuer into cert-manager,
 * network-policies into kubeflow-namespace), customise the fork as a team would (an overlay patch, an
 * extra sync option, a comment, an Application of their own), then `upgrade --to 26.03`, killed with
 * SIGKILL mid-merge and again right after the push before finishing on a third run. Every component is
 * then Synced at the one merge commit and Healthy, every customisation is in the fork and in the
 * cluster, and `uninstall`, killed twice on its way, leaves the cluster listing as it was before.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listedResources, objectRefOf } from '../../installer/plan/build-uninstall-plan.js';
import { trackedBy } from '../../installer/plan/install-applications.js';
import { expectListingAsBefore, quietListing } from '../support/cluster-listing.js';
import { clusterTestSkip, installHarnessSuite, until, type App, type CliRun } from '../support/installer-harness.js';

const TEAM_APP = (fork: string) => `# Our own Application, next to kubeflow-gitops' ones.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: team-quota
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${fork}
    targetRevision: kubeflow-gitops
    path: team/quota
  destination:
    server: https://kubernetes.default.svc
    namespace: kubeflow
  syncPolicy:
    automated: {prune: true}
`;
const LABEL_PATCH = `patches:
  # team: cost reports group by this label
  - target: {kind: Deployment, name: cert-manager}
    patch: |-
      - op: add
        path: /metadata/labels/team
        value: ml-platform
`;

describe.skipIf(clusterTestSkip())('upgrade on the local cluster', () => {
  let before: string[] = [];
  const h = installHarnessSuite({
    prepare: async (harness) => {
      before = await quietListing(harness.kube);
    },
  });
  const tip = () => h.forkTip();
  const killAt = (marker: RegExp) => {
    let killed = false;
    return {
      onStderr: (line: string) => (!killed && marker.test(line) ? ((killed = true), 'kill') : undefined),
      killed: () => killed,
    };
  };
  const ours = () => h.managedApps();
  const common = () => [
    '--yes',
    '--fork',
    h.fork,
    '--mirror',
    `https://github.com/=${h.env.gitUrl}/`,
    '--timeout',
    '15m',
  ];

  it('v1.11.0, customised, -> 26.03 through two kills: customisations kept in git and cluster, one merge commit, every component Synced at it and Healthy', async () => {
    const installed = await h.cli([
      'install',
      ...common(),
      '--release',
      'v1.11.0',
      '--target',
      'local',
      '--components',
      'kubeflow-issuer,network-policies',
    ]);
    expect(installed.code, await h.explain(installed)).toBe(0);
    expect((await ours()).map((a) => a.metadata?.name).sort()).toEqual([
      'cert-manager',
      'kubeflow-issuer',
      'kubeflow-namespace',
      'network-policies',
    ]);
    // What the two components 26.03 folds into others deployed, by uid: the upgrade must hand these
    // over in place (never deleted and re-created), or delete the ones no successor ships.
    const folded = (await ours()).filter((a) =>
      ['kubeflow-issuer', 'network-policies'].includes(a.metadata?.name ?? ''),
    );
    const held = await Promise.all(
      listedResources(folded).map(async (ref) => ({ ref, uid: (await h.kube.get(objectRefOf(ref)))?.metadata?.uid })),
    );
    const issuerUid = held.find(
      (x) => x.ref.kind === 'ClusterIssuer' && x.ref.name === 'kubeflow-self-signing-issuer',
    )?.uid;
    expect(issuerUid).toBeDefined();
    expect(held.filter((x) => x.ref.kind === 'NetworkPolicy' && x.uid !== undefined).length).toBeGreaterThan(3);

    // The team's changes, made in a clone and pushed, as people do.
    const { dir: work, git } = await h.cloneFork();
    const overlay = join(work, 'overlays/local/cert-manager/kustomization.yaml');
    writeFileSync(overlay, `${readFileSync(overlay, 'utf8')}${LABEL_PATCH}`);
    const appFile = join(work, 'kubeflow-apps/cert-manager.yaml');
    const app = readFileSync(appFile, 'utf8');
    expect(app).toContain('      - RespectIgnoreDifferences=true\n');
    writeFileSync(
      appFile,
      app
        .replace('  project: default\n', '  # team: reviewed by platform on-call\n  project: default\n')
        .replace(
          '      - RespectIgnoreDifferences=true\n',
          '      - RespectIgnoreDifferences=true\n      - PruneLast=true\n',
        ),
    );
    mkdirSync(join(work, 'team/quota'), { recursive: true });
    writeFileSync(join(work, 'team/quota/kustomization.yaml'), 'resources:\n  - quota.yaml\n');
    writeFileSync(
      join(work, 'team/quota/quota.yaml'),
      'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: team-quota\n  namespace: kubeflow\nspec:\n  hard:\n    pods: "200"\n',
    );
    writeFileSync(join(work, 'kubeflow-apps/team-quota.yaml'), TEAM_APP(h.fork));
    await git(['add', '--all']);
    await git([
      '-c',
      'user.name=team',
      '-c',
      'user.email=team@example.com',
      'commit',
      '--quiet',
      '-m',
      'team customisations',
    ]);
    await git(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops']);
    const customised = await tip();
    const customApp = readFileSync(appFile, 'utf8');

    // One state directory for the three runs, as on a user's machine: the killed runs' working copies are there.
    const state = { KFG_STATE_DIR: mkdtempSync(join(tmpdir(), 'kfg-upgrade-state-')) };
    // Killed mid-merge: the fork is untouched.
    const first = killAt(/merging Kubeflow 26\.03/);
    const r1: CliRun = await h.cli(['upgrade', ...common(), '--to', '26.03'], state, first.onStderr);
    expect(first.killed(), r1.stderr.slice(-2000)).toBe(true);
    expect(await tip()).toBe(customised);
    // Killed right after the push, before anything is applied.
    const second = killAt(/pushed [0-9a-f]{7} to/);
    const r2 = await h.cli(['upgrade', ...common(), '--to', '26.03'], state, second.onStderr);
    expect(second.killed(), r2.stderr.slice(-2000)).toBe(true);
    const merge = await tip();
    expect(merge).not.toBe(customised);
    // The re-run finds the fork upgraded, pushes nothing, applies and watches.
    expect(r2.stderr).toContain('kubeflow-issuer: part of cert-manager in 26.03');
    // Before the push, the folded Applications' objects are held (Delete=false) for their successors.
    expect(r2.stderr).toMatch(
      /network-policies is part of kubeflow-namespace now: its \d+ object\(s\) stay when its Application goes/,
    );
    const r = await h.cli(['upgrade', ...common(), '--to', '26.03'], state);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    expect(r.stderr).toContain('nothing pushed');
    expect(r.stdout.trim().split(' ')[2]).toBe(merge);
    // Exit 0 waits for the root to apply the merge as well, not only for each component to follow the
    // branch by itself: the live Application already carries the team's sync option.
    const liveCertManager = await h.kube.get<App>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      namespace: 'argocd',
      name: 'cert-manager',
    });
    expect(liveCertManager?.spec?.syncPolicy?.syncOptions).toContain('PruneLast=true');

    // Exactly one commit on top of the team's: the merge of upstream's 26.03.
    await git(['fetch', '--quiet', 'origin', 'kubeflow-gitops']);
    expect(await git(['rev-list', '--count', '--first-parent', `${customised}..${merge}`])).toBe('1');
    expect(await git(['log', '-1', '--format=%s', merge])).toBe(
      'kubeflow-gitops: upgrade Kubeflow v1.11.0 -> 26.03 (local)',
    );
    await git(['checkout', '--quiet', merge]);
    expect(readFileSync(appFile, 'utf8')).toBe(customApp);
    expect(readFileSync(overlay, 'utf8')).toContain(LABEL_PATCH);
    expect(readFileSync(overlay, 'utf8')).toContain('../../../common/cert-manager/overlays/kubeflow');
    expect(readFileSync(join(work, 'kubeflow-apps/team-quota.yaml'), 'utf8')).toBe(TEAM_APP(h.fork));

    // The root prunes the folded Applications; the rest are Synced at the merge and Healthy.
    const left = await until('the folded Applications to be pruned', 300_000, async () => {
      const list = await ours();
      return list.length === 2 ? list : undefined;
    });
    expect((await h.expectEveryComponentAt(merge)).length).toBe(left.length);
    // The customisations, live: the sync option, the patched label, the team's Application and its quota.
    expect(left.find((a) => a.metadata?.name === 'cert-manager')?.spec?.syncPolicy?.syncOptions).toContain(
      'PruneLast=true',
    );
    const deployment = await h.kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'cert-manager',
      name: 'cert-manager',
    });
    expect(deployment?.metadata?.labels?.['team']).toBe('ml-platform');
    const team = await until('the team Application Synced and Healthy', 300_000, async () => {
      const a = await h.kube.get<App>({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'team-quota',
      });
      return a?.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy' ? a : undefined;
    });
    expect(team.status?.sync?.revision).toBe(merge);
    expect(
      await h.kube.get({ apiVersion: 'v1', kind: 'ResourceQuota', namespace: 'kubeflow', name: 'team-quota' }),
    ).toBeDefined();
    // status reports what install waits for: the components and the team's Application.
    const status = await h.cli(['status']);
    expect(status.code, status.stderr.slice(-2000)).toBe(0);
    expect(status.stderr).toMatch(/^team-quota\s+ready\s+Synced\s+Healthy/m);
    // Handed over in place: the same ClusterIssuer and NetworkPolicies (same uid), now tracked by their
    // successors; whatever no successor ships is gone; the record of the hand-over is gone too.
    // Argo CD 3 tracks by annotation: <app>:<group>/<kind>:<namespace>/<name>.
    const issuer = await h.kube.get({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      name: 'kubeflow-self-signing-issuer',
    });
    expect(issuer?.metadata?.uid).toBe(issuerUid);
    expect(issuer?.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toMatch(/^cert-manager:/);
    for (const { ref, uid } of held) {
      const o = await h.kube.get(objectRefOf(ref));
      const what = `${ref.kind} ${ref.namespace ?? ''}/${ref.name}`;
      if (o === undefined) {
        expect(r.stderr, `${what} was deleted without a word`).toContain(`deleted ${ref.kind} `);
        continue;
      }
      expect(o.metadata?.uid, `${what} was deleted and re-created`).toBe(uid);
      expect(trackedBy(o), what).toMatch(/^(cert-manager|kubeflow-namespace)$/);
      // The hold is released: the object has its own sync-options again.
      expect(o.metadata?.annotations?.['kubeflow-gitops.io/held-for-successor'], what).toBeUndefined();
      expect(o.metadata?.annotations?.['argocd.argoproj.io/sync-options'] ?? '', what).not.toContain('Delete=false');
    }
    expect(
      await h.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'argocd', name: 'kubeflow-gitops-retired' }),
    ).toBeUndefined();
  });

  it("uninstall, killed after detaching the root and again mid-waves, takes the team's Application too and leaves the listing as before", async () => {
    const dry = await h.cli(['uninstall', '--dry-run']);
    expect(dry.stderr).toContain("team-quota: added to the fork's kubeflow-apps/ by you");
    const first = killAt(/detaching the root Application/);
    const r1 = await h.cli(['uninstall', '--yes', '--wave-timeout', '5m'], {}, first.onStderr);
    expect(first.killed(), r1.stderr.slice(-2000)).toBe(true);
    const second = killAt(/✔ team-quota and its resources are gone/);
    const r2 = await h.cli(['uninstall', '--yes', '--wave-timeout', '5m'], {}, second.onStderr);
    expect(second.killed(), r2.stderr.slice(-2000)).toBe(true);
    const r = await h.cli(['uninstall', '--yes', '--wave-timeout', '5m']);
    expect(r.code, await h.explain(r)).toBe(0);
    expect(
      await h.kube.get({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'team-quota',
      }),
    ).toBeUndefined();
    await expectListingAsBefore(h.kube, before);
  });
});
