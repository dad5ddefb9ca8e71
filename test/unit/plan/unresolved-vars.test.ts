import { describe, expect, it } from 'vitest';
import { describeUnresolved, findUnresolvedVars } from '../../../installer/plan/unresolved-vars.js';
import type { KubeObject } from '../../../installer/systems/kube.js';

const jobsetCrd = (annotation: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'jobsets.jobset.x-k8s.io', annotations: { 'cert-manager.io/inject-ca-from': annotation } },
  spec: {
    versions: [
      {
        name: 'v1alpha2',
        schema: {
          openAPIV3Schema: {
            properties: {
              args: { description: 'Variable references $(VAR_NAME) are expanded using the container environment.' },
            },
          },
        },
      },
    ],
  },
});

describe('findUnresolvedVars', () => {
  it('reports a kustomize var left in an annotation, naming the object, the field and the vars', () => {
    const found = findUnresolvedVars([jobsetCrd('$(CERTIFICATE_NAMESPACE)/$(CERTIFICATE_NAME)')]);
    expect(found.map(describeUnresolved)).toEqual([
      'CustomResourceDefinition jobsets.jobset.x-k8s.io: metadata.annotations.cert-manager.io/inject-ca-from keeps the kustomize vars $(CERTIFICATE_NAMESPACE), $(CERTIFICATE_NAME) unresolved',
    ]);
    expect(findUnresolvedVars([jobsetCrd('kubeflow/pvcviewer-serving-cert')])).toEqual([]);
  });

  it('reports vars in names, labels and data too', () => {
    const found = findUnresolvedVars([
      {
        kind: 'ConfigMap',
        metadata: { name: '$(PREFIX)-config', namespace: 'kubeflow', labels: { app: '$(APP)' } },
        data: { url: 'http://$(SERVICE_NAME).$(SERVICE_NAMESPACE).svc' },
      },
    ]);
    expect(found.map((f) => [f.object, f.path, f.vars])).toEqual([
      ['ConfigMap kubeflow/$(PREFIX)-config', 'metadata.name', ['PREFIX']],
      ['ConfigMap kubeflow/$(PREFIX)-config', 'metadata.labels.app', ['APP']],
      ['ConfigMap kubeflow/$(PREFIX)-config', 'data.url', ['SERVICE_NAME', 'SERVICE_NAMESPACE']],
    ]);
  });

  it('leaves what Kubernetes expands itself: container command, args and env values, in any pod template', () => {
    const container = {
      name: 'c',
      command: ['/bin/run', '--ns=$(POD_NAMESPACE)'],
      args: ['--name=$(POD_NAME)'],
      env: [{ name: 'ADDR', value: '$(POD_IP):8080' }],
    };
    const objects: KubeObject[] = [
      {
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { template: { spec: { containers: [container], initContainers: [container] } } },
      },
      {
        kind: 'ClusterTrainingRuntime',
        metadata: { name: 'torch' },
        spec: {
          template: {
            spec: { replicatedJobs: [{ template: { spec: { template: { spec: { containers: [container] } } } } }] },
          },
        },
      },
    ];
    expect(findUnresolvedVars(objects)).toEqual([]);
  });

  it("leaves a CRD's schema descriptions, and the listed legitimate ones (Istio's injection template)", () => {
    expect(findUnresolvedVars([jobsetCrd('ok/ok')])).toEqual([]);
    expect(
      findUnresolvedVars([
        {
          kind: 'ConfigMap',
          metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
          data: { config: 'args: ["--domain", "$(POD_NAMESPACE).svc.cluster.local"]' },
        },
      ]),
    ).toEqual([]);
  });

  it('takes shell command substitution with arguments for what it is, not a var', () => {
    expect(
      findUnresolvedVars([{ kind: 'ConfigMap', metadata: { name: 's' }, data: { run: 'echo $(date +%s)' } }]),
    ).toEqual([]);
  });
});
