/**
 * The upgrade plan on the fork files `fork` really writes (built with the fork planner from the shipped
 * templates): which components move, merge or go, and that only managed values change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { COMPONENTS } from '../../../../installer/catalogue/components.js';
import { RELEASES, type Release } from '../../../../installer/catalogue/releases.js';
import { resolveComponents } from '../../../../installer/catalogue/resolve-components.js';
import type { Target } from '../../../../installer/catalogue/targets.js';
import { DEFAULT_UPSTREAM } from '../../../../installer/core/constants.js';
import { readTemplates } from '../../../../installer/steps/read-fork-files.js';
import { buildForkPlan } from '../../../../installer/plan/build-fork-plan.js';
import {
  buildUpgradePlan,
  type UpgradeFacts,
  type UpgradePlan,
} from '../../../../installer/commands/upgrade/build-upgrade-plan.js';
import { readInstallation } from '../../../../installer/commands/upgrade/read-installation.js';
import { projectRoot } from '../../../support/fixtures.js';

const FORK = 'https://git.example.com/team/manifests.git';
const BRANCH = 'kubeflow-gitops';
const HASH = '$2b$12$abcdefghijklmnopqrstuu4yDJVAbW0.F1N1wYI1Zt6fZ0f5W3GvS';

const templates = new Map<Release, Map<string, string>>();
beforeAll(async () => {
  for (const r of RELEASES) templates.set(r, await readTemplates(projectRoot, r));
});

/** The kubeflow-apps/ and overlays/ files `fork` writes for a selection. */
function forkFiles(
  release: Release,
  target: Target,
  components: string,
  upstreamUrl = DEFAULT_UPSTREAM,
): Map<string, string> {
  const plan = buildForkPlan(
    {
      release,
      target,
      footprint: 'small',
      branch: BRANCH,
      upstreamUrl,
      forkUrl: FORK,
      components: resolveComponents(components.split(','), release),
      dexPasswordHash: HASH,
    },
    { existing: new Map(), templates: templates.get(release) ?? new Map(), vendor: { sources: [], rewrites: [] } },
  );
  return new Map(plan.files.map((f) => [f.path, f.after]));
}

function upgrade(
  existing: Map<string, string>,
  from: Release,
  to: Release,
  catalogue = COMPONENTS,
  upstreamUrl = DEFAULT_UPSTREAM,
): UpgradePlan {
  const facts: UpgradeFacts = {
    existing,
    fromTemplates: templates.get(from) ?? new Map(),
    toTemplates: templates.get(to) ?? new Map(),
  };
  return buildUpgradePlan(
    { from, to, installation: readInstallation(existing, 'the fork'), branch: BRANCH, upstreamUrl, forkUrl: FORK },
    facts,
    catalogue,
  );
}

function after(existing: Map<string, string>, plan: UpgradePlan): Map<string, string> {
  const out = new Map(existing);
  for (const f of plan.files) {
    if (f.after === undefined) out.delete(f.path);
    else out.set(f.path, f.after);
  }
  return out;
}

describe('buildUpgradePlan', () => {
  it('v1.11.0 -> 26.03, all on kind: two components move, two merge, nothing else is touched', () => {
    const existing = forkFiles('v1.11.0', 'kind', 'all');
    const plan = upgrade(existing, 'v1.11.0', '26.03');
    expect(plan.components.filter((c) => c.change !== 'kept')).toEqual([
      {
        name: 'cert-manager',
        change: 'moved',
        from: 'common/cert-manager/base',
        to: 'common/cert-manager/overlays/kubeflow',
      },
      {
        name: 'pipelines',
        change: 'moved',
        from: 'applications/pipeline/upstream/env/cert-manager/platform-agnostic-multi-user',
        to: 'applications/pipeline/overlays',
      },
      { name: 'kubeflow-issuer', change: 'merged', into: 'cert-manager' },
      { name: 'network-policies', change: 'merged', into: 'kubeflow-namespace' },
    ]);
    expect(plan.files.map((f) => [f.action, f.path])).toEqual([
      ['delete', 'kubeflow-apps/kubeflow-issuer.yaml'],
      ['delete', 'kubeflow-apps/network-policies.yaml'],
      ['update', 'overlays/kind/cert-manager/kustomization.yaml'],
      ['delete', 'overlays/kind/kubeflow-issuer/kustomization.yaml'],
      ['delete', 'overlays/kind/network-policies/kustomization.yaml'],
      ['update', 'overlays/kind/pipelines/kustomization.yaml'],
    ]);
    const certManager = plan.files.find((f) => f.path === 'overlays/kind/cert-manager/kustomization.yaml');
    // Byte for byte, only the header's release and the upstream entry differ.
    expect(certManager?.after).toBe(
      (certManager?.before ?? '')
        .replace('(Kubeflow v1.11.0)', '(Kubeflow 26.03)')
        .replace('../../../common/cert-manager/base\n', '../../../common/cert-manager/overlays/kubeflow\n'),
    );
    expect(plan.selection.map((c) => c.name)).toHaveLength(27);
    expect(plan.warnings).toEqual([]);
  });

  it('is idempotent: planning again on the result (now on 26.03) changes nothing', () => {
    const existing = forkFiles('v1.11.0', 'generic', 'pipelines,katib');
    const first = upgrade(existing, 'v1.11.0', '26.03');
    expect(first.files.length).toBeGreaterThan(0);
    expect(upgrade(after(existing, first), '26.03', '26.03').files).toEqual([]);
    // And a second run of the same upgrade over its own output (killed before the commit) settles too.
    expect(upgrade(after(existing, first), 'v1.11.0', '26.03').files).toEqual([]);
  });

  it("keeps the user's edits: overlay patches, Application comments and sync options", () => {
    const existing = forkFiles('v1.11.0', 'kind', 'pipelines');
    const overlay = 'overlays/kind/pipelines/kustomization.yaml';
    existing.set(overlay, `${existing.get(overlay) ?? ''}patches:\n  # team: smaller UI\n  - path: ui-replicas.yaml\n`);
    existing.set(
      'overlays/kind/pipelines/ui-replicas.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ml-pipeline-ui\nspec:\n  replicas: 1\n',
    );
    const app = 'kubeflow-apps/pipelines.yaml';
    existing.set(
      app,
      (existing.get(app) ?? '')
        .replace('  project: default\n', '  # our project\n  project: default\n')
        .replace('- RespectIgnoreDifferences=true', '- RespectIgnoreDifferences=true\n      - PruneLast=true'),
    );
    existing.set(
      'kubeflow-apps/team-tools.yaml',
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: team-tools\nspec:\n  source:\n    repoURL: ${FORK}\n    targetRevision: ${BRANCH}\n    path: team/tools\n`,
    );
    const next = after(existing, upgrade(existing, 'v1.11.0', '26.03'));
    expect(next.get(overlay)).toContain('../../../applications/pipeline/overlays\n');
    expect(next.get(overlay)).toContain('# team: smaller UI\n  - path: ui-replicas.yaml\n');
    expect(next.get('overlays/kind/pipelines/ui-replicas.yaml')).toBe(
      existing.get('overlays/kind/pipelines/ui-replicas.yaml'),
    );
    expect(next.get(app)).toBe(existing.get(app));
    expect(next.get('kubeflow-apps/team-tools.yaml')).toBe(existing.get('kubeflow-apps/team-tools.yaml'));
  });

  it('an overlay that no longer names the old upstream path is left alone and reported', () => {
    const existing = forkFiles('v1.11.0', 'kind', 'cert-manager');
    const overlay = 'overlays/kind/cert-manager/kustomization.yaml';
    existing.set(
      overlay,
      (existing.get(overlay) ?? '').replace('../../../common/cert-manager/base', '../../../team/cert-manager'),
    );
    const plan = upgrade(existing, 'v1.11.0', '26.03');
    expect(plan.files.find((f) => f.path === overlay)).toBeUndefined();
    expect(plan.warnings.join('\n')).toMatch(
      /overlays\/kind\/cert-manager\/kustomization\.yaml does not list \.\.\/\.\.\/\.\.\/common\/cert-manager\/base.*common\/cert-manager\/overlays\/kubeflow/,
    );
  });

  it('a merged component whose overlay the user edited: the Application goes, the overlay stays and is reported', () => {
    const existing = forkFiles('v1.11.0', 'kind', 'kubeflow-issuer');
    existing.set(
      'overlays/kind/kubeflow-issuer/kustomization.yaml',
      `${existing.get('overlays/kind/kubeflow-issuer/kustomization.yaml') ?? ''}# team note\n`,
    );
    const plan = upgrade(existing, 'v1.11.0', '26.03');
    expect(plan.components).toContainEqual({ name: 'kubeflow-issuer', change: 'merged', into: 'cert-manager' });
    expect(plan.files.map((f) => [f.action, f.path])).toContainEqual(['delete', 'kubeflow-apps/kubeflow-issuer.yaml']);
    expect(plan.files.some((f) => f.path.startsWith('overlays/kind/kubeflow-issuer/'))).toBe(false);
    expect(plan.warnings.join('\n')).toMatch(
      /overlays\/kind\/kubeflow-issuer\/ has your edits and is no longer used.*move them to overlays\/kind\/cert-manager\//,
    );
  });

  it('a component upstream dropped is reported as removed, its generated files removed', () => {
    const dropped = COMPONENTS.map((c) =>
      c.name === 'training-operator'
        ? { ...c, paths: { 'v1.10.2': c.paths['v1.10.2'], 'v1.11.0': c.paths['v1.11.0'] } }
        : c,
    );
    const existing = forkFiles('v1.11.0', 'generic', 'training-operator');
    const plan = upgrade(existing, 'v1.11.0', '26.03', dropped);
    expect(plan.components).toContainEqual({ name: 'training-operator', change: 'removed' });
    expect(
      plan.files.filter((f) => f.action === 'delete' && f.path.includes('training-operator')).map((f) => f.path),
    ).toEqual(['kubeflow-apps/training-operator.yaml', 'overlays/generic/training-operator/kustomization.yaml']);
  });

  it('dependencies new to the selection are added with their own Application and overlay', () => {
    const existing = forkFiles('v1.10.2', 'generic', 'katib');
    // A dependency the fork lacks (new in the next release, or its Application deleted by hand) is planned as added.
    existing.delete('kubeflow-apps/kubeflow-roles.yaml');
    const plan = upgrade(existing, 'v1.10.2', 'v1.11.0');
    expect(plan.components).toContainEqual({
      name: 'kubeflow-roles',
      change: 'added',
      path: 'common/kubeflow-roles/base',
      requestedBy: ['katib'],
    });
    expect(plan.files.map((f) => [f.action, f.path])).toContainEqual(['create', 'kubeflow-apps/kubeflow-roles.yaml']);
  });

  // Three whole forks of every component: about 2 s alone, past vitest's 5 s default on a loaded 2-core machine.
  it(
    'with --upstream an internal mirror, the Applications fork writes and upgrade adds point at the fork',
    { timeout: 30_000 },
    () => {
      const MIRROR = 'https://gitlab.internal.example/mirrors/kubeflow-manifests.git';
      const sources = (files: Map<string, string>) =>
        [...files]
          .filter(([p]) => p.startsWith('kubeflow-apps/'))
          .flatMap(([p, text]) =>
            parseAllDocuments(text).map((d) => [
              p,
              d.getIn(['spec', 'source', 'repoURL']),
              d.getIn(['spec', 'source', 'targetRevision']),
            ]),
          );
      for (const release of ['v1.10.2', 'v1.11.0', '26.03'] as const) {
        const files = forkFiles(release, 'generic', 'all', MIRROR);
        expect(sources(files).length).toBeGreaterThan(20);
        for (const s of sources(files)) expect(s, release).toEqual([s[0], FORK, BRANCH]);
      }
      const existing = forkFiles('v1.10.2', 'generic', 'katib', MIRROR);
      existing.delete('kubeflow-apps/kubeflow-roles.yaml');
      const plan = upgrade(existing, 'v1.10.2', 'v1.11.0', COMPONENTS, MIRROR);
      const created = plan.files.find((f) => f.path === 'kubeflow-apps/kubeflow-roles.yaml');
      expect(parse(created?.after ?? '')).toMatchObject({
        spec: { source: { repoURL: FORK, targetRevision: BRANCH, path: 'overlays/generic/kubeflow-roles' } },
      });
    },
  );
});

describe('buildUpgradePlan to 26.03.1-rc.2 (ten folders under applications/)', () => {
  const rc = '26.03.1-rc.2' as const;

  it('26.03 -> rc.2, all on kind: the dashboard and notebooks move in place, what folded into them hands over', () => {
    const existing = forkFiles('26.03', 'kind', 'all');
    const plan = upgrade(existing, '26.03', rc);
    const change = new Map(plan.components.map((c) => [c.name, c]));
    expect(change.get('central-dashboard')).toEqual({
      name: 'central-dashboard',
      change: 'moved',
      from: 'applications/centraldashboard/overlays/oauth2-proxy',
      to: 'applications/dashboard/overlays/istio',
    });
    expect(change.get('notebook-controller')).toEqual({
      name: 'notebook-controller',
      change: 'moved',
      from: 'applications/jupyter/notebook-controller/upstream/overlays/kubeflow',
      to: 'applications/notebooks-v1/overlays/istio',
    });
    for (const n of ['profiles', 'admission-webhook'])
      expect(change.get(n)).toEqual({ name: n, change: 'merged', into: 'central-dashboard' });
    for (const n of [
      'jupyter-web-app',
      'pvcviewer-controller',
      'volumes-web-app',
      'tensorboard-controller',
      'tensorboards-web-app',
    ])
      expect(change.get(n)).toEqual({ name: n, change: 'merged', into: 'notebook-controller' });
    expect(change.get('cert-manager')).toMatchObject({ change: 'moved', to: 'common/cert-manager/base' });
    expect(change.get('kubeflow-issuer')).toMatchObject({
      change: 'added',
      path: 'common/cert-manager/overlays/kubeflow',
    });
    // The upgrade keeps the team's selection: Hub is new in the release, not in this install.
    expect(change.has('model-registry')).toBe(false);

    // Moved in place: the same Application file, only its overlay's upstream entry and header change.
    const files = new Map(plan.files.map((f) => [f.path, f]));
    expect(files.has('kubeflow-apps/central-dashboard.yaml')).toBe(false);
    expect(files.has('kubeflow-apps/notebook-controller.yaml')).toBe(false);
    const dashboard = files.get('overlays/kind/central-dashboard/kustomization.yaml');
    expect(dashboard?.action).toBe('update');
    expect(dashboard?.after).toBe(
      (dashboard?.before ?? '')
        .replace('(Kubeflow 26.03)', '(Kubeflow 26.03.1-rc.2)')
        .replace(
          '../../../applications/centraldashboard/overlays/oauth2-proxy\n',
          '../../../applications/dashboard/overlays/istio\n',
        ),
    );
    expect(files.get('kubeflow-apps/profiles.yaml')?.action).toBe('delete');
    expect(files.get('kubeflow-apps/jupyter-web-app.yaml')?.action).toBe('delete');
    expect(files.get('kubeflow-apps/kubeflow-issuer.yaml')?.action).toBe('create');
    expect(plan.selection.map((c) => c.name).sort()).toEqual(
      resolveComponents(['all'], rc)
        .map((c) => c.spec.name)
        .filter((n) => n !== 'model-registry' && n !== 'model-catalog')
        .sort(),
    );
    expect(plan.warnings).toEqual([]);
  });

  it('v1.11.0 -> rc.2: kubeflow-issuer keeps its Application and moves to the Kubeflow cert-manager overlay', () => {
    const plan = upgrade(forkFiles('v1.11.0', 'generic', 'pipelines'), 'v1.11.0', rc);
    const change = new Map(plan.components.map((c) => [c.name, c]));
    expect(change.get('kubeflow-issuer')).toEqual({
      name: 'kubeflow-issuer',
      change: 'moved',
      from: 'common/cert-manager/kubeflow-issuer/base',
      to: 'common/cert-manager/overlays/kubeflow',
    });
    expect(change.get('cert-manager')).toEqual({
      name: 'cert-manager',
      change: 'kept',
      path: 'common/cert-manager/base',
    });
    expect(change.get('profiles')).toEqual({ name: 'profiles', change: 'merged', into: 'central-dashboard' });
    expect(change.get('central-dashboard')).toMatchObject({ change: 'added', requestedBy: ['profiles'] });
  });

  it('is idempotent on rc.2', () => {
    const existing = forkFiles('26.03', 'generic', 'notebooks,pipelines');
    const first = upgrade(existing, '26.03', rc);
    expect(first.files.length).toBeGreaterThan(0);
    expect(upgrade(after(existing, first), rc, rc).files).toEqual([]);
    expect(upgrade(after(existing, first), '26.03', rc).files).toEqual([]);
  });
});
