import { describe, expect, it } from 'vitest';
import { COMPONENTS, type ComponentSpec } from '../../../installer/catalogue/components.js';
import { RELEASES } from '../../../installer/catalogue/releases.js';
import { resolveComponents } from '../../../installer/catalogue/resolve-components.js';
import { UserError } from '../../../installer/errors.js';

const names = (sel: string[], release: (typeof RELEASES)[number] = '26.03') =>
  resolveComponents(sel, release).map((c) => c.spec.name);

describe('resolveComponents', () => {
  it('pulls in what kserve needs: Knative, Istio, cert-manager and the Kubeflow base', () => {
    const got = names(['kserve']);
    for (const dep of [
      'knative-serving',
      'istio',
      'istio-crds',
      'cert-manager',
      'cluster-local-gateway',
      'kubeflow-istio-resources',
      'oauth2-proxy',
      'dex',
    ]) {
      expect(got).toContain(dep);
    }
    expect(got).not.toContain('pipelines');
  });

  it('marks dependencies with who pulled them in', () => {
    const byName = new Map(resolveComponents(['kserve'], '26.03').map((c) => [c.spec.name, c.requestedBy]));
    expect(byName.get('kserve')).toBe('user');
    expect(byName.get('knative-serving')).toEqual(['kserve']);
  });

  it('orders by wave: every dependency has a lower wave than its dependant', () => {
    for (const release of RELEASES) {
      const resolved = resolveComponents(['all'], release);
      const wave = new Map(resolved.map((c) => [c.spec.name, c.wave]));
      for (const c of resolved) {
        for (const dep of c.spec.dependsOn) {
          const w = wave.get(dep);
          if (w !== undefined) expect(w, `${dep} before ${c.spec.name} in ${release}`).toBeLessThan(c.wave);
        }
      }
      expect(resolved.map((c) => c.wave)).toEqual([...resolved.map((c) => c.wave)].sort((a, b) => a - b));
    }
  });

  it('follows layers: namespaces/CRDs, cert-manager, Istio, auth, Knative, platform, apps', () => {
    const wave = new Map(resolveComponents(['all'], '26.03').map((c) => [c.spec.name, c.wave]));
    const order = [
      'istio-crds',
      'cert-manager',
      'istio',
      'dex',
      'knative-serving',
      'profiles',
      'pipelines',
      'user-namespace',
    ];
    const waves = order.map((n) => wave.get(n) ?? Number.NaN);
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    expect(new Set(waves).size).toBe(waves.length);
  });

  it('gives the same wave whatever else is selected', () => {
    const alone = resolveComponents(['katib'], '26.03').find((c) => c.spec.name === 'katib');
    const withAll = resolveComponents(['all'], '26.03').find((c) => c.spec.name === 'katib');
    expect(alone?.wave).toBe(withAll?.wave);
  });

  it('expands bundles and "all" per release', () => {
    expect(names(['notebooks'])).toEqual(
      expect.arrayContaining(['notebook-controller', 'jupyter-web-app', 'admission-webhook']),
    );
    expect(names(['all'], '26.03').length).toBeGreaterThanOrEqual(20);
    expect(names(['all'], '26.03')).toContain('trainer');
    expect(names(['all'], 'v1.10.2')).toContain('training-operator');
    expect(names(['all'], '26.03')).not.toContain('training-operator');
    expect(names(['all'], '26.03')).not.toContain('knative-eventing');
  });

  it('maps components merged upstream to their new home', () => {
    expect(names(['pipelines'], 'v1.11.0')).toContain('kubeflow-issuer');
    expect(names(['pipelines'], '26.03')).not.toContain('kubeflow-issuer');
    expect(() => names(['kubeflow-issuer'], '26.03')).toThrow(/part of "cert-manager" in Kubeflow 26.03/);
  });

  it('rejects unknown names and components absent from the release, naming the flag', () => {
    expect(() => names(['pipelines', 'nope'])).toThrow(UserError);
    expect(() => names(['nope'])).toThrow(/unknown component "nope" in --components/);
    expect(() => names(['trainer'], 'v1.10.2')).toThrow(/"trainer" is not in Kubeflow v1.10.2.*--components/);
    expect(() => names([])).toThrow(/--components/);
  });

  it('detects dependency cycles', () => {
    const a: ComponentSpec = { ...COMPONENTS[0]!, name: 'a', dependsOn: ['b'], paths: { '26.03': 'a' } };
    const b: ComponentSpec = { ...COMPONENTS[0]!, name: 'b', dependsOn: ['a'], paths: { '26.03': 'b' } };
    expect(() => resolveComponents(['a'], '26.03', [a, b])).toThrow(/cycle: a -> b -> a/);
  });
});
