import { describe, expect, it } from 'vitest';
import { COMPONENTS, type ComponentSpec } from '../../../installer/catalogue/components.js';
import {
  NEWEST_RELEASE,
  RELEASES,
  RELEASE_INFO,
  newestFinal,
  releaseLabel,
} from '../../../installer/catalogue/releases.js';
import { requestsOf } from '../../../installer/catalogue/requests.js';
import { dependenciesIn, resolveComponents } from '../../../installer/catalogue/resolve-components.js';
import { UserError } from '../../../installer/core/errors.js';

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

describe('26.03.1-rc.2: the ten-folder layout under stable component names', () => {
  const rc = '26.03.1-rc.2' as const;

  it('moves the dashboard and notebooks folders under the names users know; the rest merge into them', () => {
    const byName = new Map(COMPONENTS.map((c) => [c.name, c]));
    expect(byName.get('central-dashboard')?.paths[rc]).toBe('applications/dashboard/overlays/istio');
    expect(byName.get('notebook-controller')?.paths[rc]).toBe('applications/notebooks-v1/overlays/istio');
    for (const n of ['profiles', 'admission-webhook'])
      expect(byName.get(n)?.mergedInto?.[rc]).toBe('central-dashboard');
    for (const n of [
      'jupyter-web-app',
      'pvcviewer-controller',
      'volumes-web-app',
      'tensorboard-controller',
      'tensorboards-web-app',
    ])
      expect(byName.get(n)?.mergedInto?.[rc]).toBe('notebook-controller');
    expect(() => names(['profiles'], rc)).toThrow(/part of "central-dashboard" in Kubeflow 26.03.1-rc.2/);
  });

  it('no component name is lost: one missing from a later release says where it went, and that home is there', () => {
    for (const c of COMPONENTS) {
      let seen = false;
      for (const r of RELEASES) {
        if (c.paths[r] !== undefined) {
          seen = true;
          continue;
        }
        if (!seen) continue;
        const home = c.mergedInto?.[r];
        expect(home, `${c.name} in ${r}`).toBeDefined();
        expect(COMPONENTS.find((h) => h.name === home)?.paths[r], `${c.name} -> ${home} in ${r}`).toBeDefined();
      }
    }
  });

  it('bundles stand for what their members became: notebooks is the notebooks folder and the dashboard', () => {
    const got = resolveComponents(['notebooks'], rc);
    const by = new Map(got.map((c) => [c.spec.name, c.requestedBy]));
    expect(by.get('notebook-controller')).toBe('user');
    expect(by.get('central-dashboard')).toBe('user');
    expect(by.has('jupyter-web-app')).toBe(false);
    expect(names(['volumes', 'tensorboards'], rc)).toContain('notebook-controller');
  });

  it('a home inherits what merged components needed: the PodDefaults webhook needs the Kubeflow issuer', () => {
    expect(dependenciesIn('central-dashboard', rc)).toEqual(
      expect.arrayContaining(['kubeflow-issuer', 'kubeflow-roles']),
    );
    expect(dependenciesIn('notebook-controller', rc)).toEqual(
      expect.arrayContaining(['admission-webhook', 'profiles']),
    );
    expect(dependenciesIn('notebook-controller', rc)).not.toContain('notebook-controller');
    // 26.03 is untouched: nothing merges into these there.
    expect(dependenciesIn('central-dashboard', '26.03')).toEqual(
      COMPONENTS.find((c) => c.name === 'central-dashboard')?.dependsOn,
    );
    const wave = new Map(resolveComponents(['notebooks'], rc).map((c) => [c.spec.name, c.wave]));
    expect(wave.get('kubeflow-issuer')).toBeLessThan(wave.get('central-dashboard') ?? 0);
    expect(wave.get('central-dashboard')).toBeLessThan(wave.get('notebook-controller') ?? 0);
  });

  it('installs Hub by default (model registry in the example profile after it exists, and the catalogue); earlier releases have no Hub', () => {
    const all = resolveComponents(['all'], rc);
    const wave = new Map(all.map((c) => [c.spec.name, c.wave]));
    expect(wave.get('model-registry')).toBeGreaterThan(wave.get('user-namespace') ?? Infinity);
    expect(wave.has('model-catalog')).toBe(true);
    expect(names(['hub'], rc)).toEqual(expect.arrayContaining(['model-registry', 'model-catalog', 'user-namespace']));
    expect(() => names(['hub'], '26.03')).toThrow(/"hub" \(model-registry, model-catalog\) is not in Kubeflow 26.03/);
    expect(() => names(['model-registry'], '26.03')).toThrow(/not in Kubeflow 26.03 \(it is in 26.03.1-rc.2\)/);
  });

  it('cert-manager and its issuer are two entries again: base, and the Kubeflow overlay', () => {
    const all = new Map(resolveComponents(['all'], rc).map((c) => [c.spec.name, c.path]));
    expect(all.get('cert-manager')).toBe('common/cert-manager/base');
    expect(all.get('kubeflow-issuer')).toBe('common/cert-manager/overlays/kubeflow');
    expect(all.has('network-policies')).toBe(false);
  });
});

describe('releases', () => {
  it('the default is the newest final release: 26.03 until a final 26.03.1 is listed', () => {
    expect(NEWEST_RELEASE).toBe('26.03');
    expect(RELEASE_INFO['26.03.1-rc.2'].preRelease).toBe(true);
    expect(releaseLabel('26.03.1-rc.2')).toBe('26.03.1-rc.2 (pre-release)');
    expect(releaseLabel('26.03')).toBe('26.03');
    // Adding the final is data: it becomes the default by itself.
    const info = { ...RELEASE_INFO, '26.03.1': { preRelease: false } };
    expect(newestFinal([...RELEASES, '26.03.1'], info)).toBe('26.03.1');
  });

  it('requests of a home include what merged into it (notebooks-v1 carries the PVC viewer and Tensorboards)', () => {
    expect(requestsOf(['notebook-controller'], 'full', '26.03')).toEqual({ cpuMillis: 0, memoryMiB: 0 });
    expect(requestsOf(['notebook-controller'], 'full', '26.03.1-rc.2')).toEqual({ cpuMillis: 30, memoryMiB: 256 });
    expect(requestsOf(['model-registry'], 'small', '26.03.1-rc.2')).toEqual({ cpuMillis: 50, memoryMiB: 256 });
  });
});
