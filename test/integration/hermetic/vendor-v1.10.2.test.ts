import { describeReleaseVendoring } from '../../support/vendor-release.js';

// v1.10.2's example reaches no remote source; only Training Operator v2 (not in example) pulls jobset v0.6.0.
describeReleaseVendoring({
  release: 'v1.10.2',
  exampleObjects: 611,
  extraStartPaths: ['applications/training-operator/upstream/v2/overlays/standalone'],
  expectedDests: ['vendor/github.com/kubernetes-sigs/jobset/releases/download/v0.6.0/manifests.yaml.d'],
});
