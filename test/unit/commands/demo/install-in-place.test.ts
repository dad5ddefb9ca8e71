/**
 * When a re-run of `demo` may apply nothing: decided on Application documents captured from a real
 * Argo CD (test/fixtures/app-status), relabelled as the root and the components of an install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installInPlace } from '../../../../installer/commands/demo/install-in-place.js';
import type { KubeObject } from '../../../../installer/systems/kube.js';
import { appStatusDir } from '../../../support/app-status-fixtures.js';

interface Captured extends KubeObject {
  spec: { source: { repoURL: string; targetRevision: string } };
  status: { sync: { revision?: string } };
}

const capture = (state: string): Captured =>
  JSON.parse(readFileSync(join(appStatusDir(), `${state}.json`), 'utf8')) as Captured;
const REVISION = (
  JSON.parse(readFileSync(join(appStatusDir(), 'synced-healthy.meta.json'), 'utf8')) as { expectedRevision: string }
).expectedRevision;
const REPO = 'file:///home/me/.config/kubeflow-gitops/demo/manifests.git';

/** A captured Application renamed and labelled as one of the install's. */
function ours(state: string, name: string): Captured {
  const a = capture(state);
  a.metadata = { ...a.metadata, name, labels: { 'app.kubernetes.io/managed-by': 'kubeflow-gitops' } };
  return a;
}
function root(o: { branch?: string; repoURL?: string } = {}): Captured {
  const a = ours('synced-healthy', 'kubeflow');
  a.spec.source = { ...a.spec.source, repoURL: o.repoURL ?? REPO, targetRevision: o.branch ?? 'kubeflow-gitops' };
  return a;
}
const expected = {
  repoURL: REPO,
  branch: 'kubeflow-gitops',
  revision: REVISION,
  components: ['cert-manager', 'istio'],
};

describe('installInPlace', () => {
  it('is true when the root follows the fork at the commit and every component is ready there', () => {
    const apps = [root(), ours('synced-healthy', 'cert-manager'), ours('synced-healthy', 'istio')];
    expect(installInPlace(apps, expected)).toBe(true);
  });

  it('ignores Applications that are not the install’s', () => {
    const foreign = capture('degraded');
    const apps = [root(), ours('synced-healthy', 'cert-manager'), ours('synced-healthy', 'istio'), foreign];
    expect(installInPlace(apps, expected)).toBe(true);
  });

  it('is false when a component is missing, progressing, out of sync or at another commit', () => {
    const base = [root(), ours('synced-healthy', 'cert-manager')];
    expect(installInPlace(base, expected)).toBe(false);
    for (const state of ['progressing', 'out-of-sync', 'stale-revision', 'degraded'])
      expect(installInPlace([...base, ours(state, 'istio')], expected), state).toBe(false);
  });

  it('is false when the root follows another fork or branch, or is at another commit', () => {
    const comps = [ours('synced-healthy', 'cert-manager'), ours('synced-healthy', 'istio')];
    expect(installInPlace(comps, expected)).toBe(false);
    expect(installInPlace([root({ branch: 'main' }), ...comps], expected)).toBe(false);
    expect(installInPlace([root({ repoURL: 'https://example.com/x.git' }), ...comps], expected)).toBe(false);
    expect(installInPlace([root(), ...comps], { ...expected, revision: 'f'.repeat(40) })).toBe(false);
    const syncing = ours('operation-running', 'kubeflow');
    syncing.spec.source = { ...syncing.spec.source, repoURL: REPO, targetRevision: 'kubeflow-gitops' };
    expect(installInPlace([syncing, ...comps], expected)).toBe(false);
  });

  it('is false when the root still deploys a component the fork no longer has (it must be retired)', () => {
    const apps = [root(), ours('synced-healthy', 'cert-manager'), ours('synced-healthy', 'istio')];
    expect(installInPlace([...apps, ours('synced-healthy', 'katib')], expected)).toBe(false);
  });
});
