import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildRootApplication, renderRootApplication } from '../../../installer/plan/render-application.js';

interface Root {
  spec: {
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; syncOptions?: string[] };
    ignoreDifferences?: unknown;
  };
}
const source = { repoURL: 'https://git.example.com/team/manifests.git', targetRevision: 'kubeflow-gitops' };

describe('root Application', () => {
  it('prunes and self-heals, and copies nothing live into what it applies (no RespectIgnoreDifferences)', () => {
    const root = buildRootApplication(source) as Root;
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(root.spec.syncPolicy.syncOptions).toBeUndefined();
    expect(root.spec.ignoreDifferences).toBeUndefined();
  });

  it('renders the same object the installer applies', () => {
    expect(parse(renderRootApplication(source))).toEqual(buildRootApplication(source));
  });
});
