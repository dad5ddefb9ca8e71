import type { ArgoPolicy } from '../../installer/core/argocd-documents.js';
/**
 * Argo CD as it starts out, for tests of what seeding may do: its `default` AppProject allows every
 * source, destination and kind, no config keys are set and the controller runs in `argocd`.
 */

export const openPolicy = (extra: Partial<ArgoPolicy> = {}): ArgoPolicy => ({
  projects: new Map([
    [
      'default',
      {
        spec: {
          sourceRepos: ['*'],
          destinations: [{ server: '*', namespace: '*' }],
          clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        },
      },
    ],
  ]),
  cm: {},
  clusters: [],
  controllerNamespace: 'argocd',
  ...extra,
});
