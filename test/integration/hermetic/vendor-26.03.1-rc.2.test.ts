import { describeReleaseVendoring } from '../../support/vendor-release.js';

describeReleaseVendoring({
  release: '26.03.1-rc.2',
  exampleObjects: 727,
  extraStartPaths: [
    'applications/trainer/upstream/third-party/leaderworkerset',
    'applications/training-operator/upstream/v2/overlays/standalone',
  ],
  expectedDests: [
    'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/crds/minimal',
    'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/workflow-controller',
    'vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/cluster-install-no-crds/workflow-controller-rbac',
    'vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.11.0/manifests.yaml.d',
    'vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.6.0/manifests.yaml.d',
    'vendor/github.com/kubernetes-sigs/lws@v0.8.0/config/default',
  ],
});
