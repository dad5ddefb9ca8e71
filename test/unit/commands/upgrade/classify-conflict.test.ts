/**
 * Whose conflict: the fork's change to a kustomization that is only the vendoring rewrite is the
 * tool's (upstream's side wins, vendoring runs again); anything else is the user's.
 */
import { describe, expect, it } from 'vitest';
import { classifyConflict, vendored } from '../../../../installer/commands/upgrade/classify-conflict.js';

const FILE = 'applications/pipeline/upstream/third-party/argo/installs/cluster/kustomization.yaml';
// As upstream v1.11.0 has it.
const BASE = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3
- https://github.com/argoproj/argo-workflows/manifests/cluster-install-no-crds/workflow-controller-rbac?ref=v3.7.3
- ../../base
`;
const THEIRS = BASE.replaceAll('v3.7.3', 'v3.7.9');

describe('classifyConflict', () => {
  it('the vendoring rewrite reproduces what fork wrote, byte for byte', () => {
    expect(vendored(BASE, FILE)).toBe(
      BASE.replace(
        'https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v3.7.3',
        '../../../../../../../vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/crds/minimal',
      ).replace(
        'https://github.com/argoproj/argo-workflows/manifests/cluster-install-no-crds/workflow-controller-rbac?ref=v3.7.3',
        '../../../../../../../vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/cluster-install-no-crds/workflow-controller-rbac',
      ),
    );
  });

  it("a kustomization the fork only vendored: the tool's; upstream's side is taken", () => {
    const ours = vendored(BASE, FILE);
    expect(classifyConflict(FILE, { base: BASE, ours, theirs: THEIRS })).toMatchObject({
      owner: 'tool',
      content: THEIRS,
    });
    // Upstream deleted it: the deletion wins.
    expect(classifyConflict(FILE, { base: BASE, ours, theirs: undefined })).toMatchObject({
      owner: 'tool',
      content: undefined,
    });
  });

  it("a kustomization the user edited besides vendoring: the user's", () => {
    const ours = `${vendored(BASE, FILE) ?? ''}- ../../../team/extra\n`;
    expect(classifyConflict(FILE, { base: BASE, ours, theirs: THEIRS })).toEqual({ owner: 'user' });
  });

  it("any other file the fork changed is the user's (e.g. a pinned image), and so is a file the fork deleted", () => {
    const base = '      - image: ghcr.io/dexidp/dex:v2.44.0\n';
    expect(
      classifyConflict('common/dex/base/deployment.yaml', {
        base,
        ours: base.replace('v2.44.0', 'v2.44.1'),
        theirs: base.replace('v2.44.0', 'v2.45.0'),
      }),
    ).toEqual({ owner: 'user' });
    expect(classifyConflict(FILE, { base: BASE, ours: undefined, theirs: THEIRS })).toEqual({ owner: 'user' });
  });

  it("vendor/ is the tool's: the fork's copy stays", () => {
    expect(
      classifyConflict('vendor/github.com/x/y@v1/kustomization.yaml', { base: undefined, ours: 'a', theirs: 'b' }),
    ).toMatchObject({ owner: 'tool', content: 'a' });
  });

  it("a file upstream adds where the fork has its own Application or overlay: the fork's stays", () => {
    expect(
      classifyConflict('kubeflow-apps/katib.yaml', { base: undefined, ours: 'mine', theirs: 'upstream' }),
    ).toMatchObject({ owner: 'tool', content: 'mine' });
    expect(
      classifyConflict('overlays/kind/katib/kustomization.yaml', { base: undefined, ours: 'mine', theirs: 'upstream' }),
    ).toMatchObject({ owner: 'tool', content: 'mine' });
    // Both changed a file that existed before: that is a real conflict.
    expect(classifyConflict('overlays/README.md', { base: 'a', ours: 'b', theirs: 'c' })).toEqual({ owner: 'user' });
  });

  it("an unparsable kustomization cannot be the tool's doing", () => {
    expect(classifyConflict(FILE, { base: 'resources: [', ours: 'resources: [x', theirs: 'y' })).toEqual({
      owner: 'user',
    });
  });
});
