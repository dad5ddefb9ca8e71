import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { RELEASES } from '../../../installer/catalogue/releases.js';
import { renderKubeflowApps } from '../../../installer/plan/kubeflow-apps.js';
import { projectRoot } from '../../support/fixtures.js';

describe('kubeflow-apps/ contract', () => {
  for (const release of RELEASES) {
    it(`${release}: files on disk are exactly what the catalogue generates (run scripts/generate-kubeflow-apps.ts)`, () => {
      const generated = renderKubeflowApps(release);
      const onDisk = readdirSync(join(projectRoot, 'kubeflow-apps', release), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `kubeflow-apps/${release}/${f}`)
        .sort();
      expect(onDisk).toEqual(generated.map((f) => f.path).sort());
      for (const f of generated) expect(readFileSync(join(projectRoot, f.path), 'utf8'), f.path).toBe(f.content);
    });

    it(`${release}: every child is a valid Application pointing at the upstream tag`, () => {
      for (const f of renderKubeflowApps(release)) {
        const app = parse(f.content) as {
          kind: string;
          metadata: { name: string; finalizers?: string[]; annotations?: Record<string, string> };
          spec: {
            source: { repoURL: string; targetRevision: string; path: string };
            syncPolicy: { automated?: object; retry?: object; syncOptions?: string[] };
          };
        };
        expect(app.kind).toBe('Application');
        expect(app.spec.source.repoURL).toBe('https://github.com/kubeflow/manifests');
        expect(app.spec.source.targetRevision).toBe(release);
        expect(typeof app.spec.source.targetRevision).toBe('string');
        expect(app.metadata.finalizers).toContain('resources-finalizer.argocd.argoproj.io');
        expect(app.spec.syncPolicy.automated).toBeDefined();
        expect(app.spec.syncPolicy.retry).toBeDefined();
        if (!f.path.includes('/root/'))
          expect(app.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toMatch(/^\d+$/);
      }
    });
  }

  it('KServe and Spark use server-side apply; components that do not ship their namespace create it', () => {
    const byName = new Map(
      renderKubeflowApps('26.03').map((f) => [
        f.path,
        parse(f.content) as { spec: { syncPolicy: { syncOptions?: string[] } } },
      ]),
    );
    expect(byName.get('kubeflow-apps/26.03/kserve.yaml')?.spec.syncPolicy.syncOptions).toContain(
      'ServerSideApply=true',
    );
    expect(byName.get('kubeflow-apps/26.03/spark-operator.yaml')?.spec.syncPolicy.syncOptions).toContain(
      'ServerSideApply=true',
    );
    expect(byName.get('kubeflow-apps/26.03/pipelines.yaml')?.spec.syncPolicy.syncOptions).toContain(
      'CreateNamespace=true',
    );
    expect(byName.get('kubeflow-apps/26.03/cert-manager.yaml')?.spec.syncPolicy.syncOptions).not.toContain(
      'CreateNamespace=true',
    );
  });
});
