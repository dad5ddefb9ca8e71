/**
 * Regenerates kubeflow-apps/ from the component catalogue (installer/catalogue/components.ts).
 * Run after changing the catalogue: `npx tsx scripts/generate-kubeflow-apps.ts`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELEASES } from '../installer/catalogue/releases.js';
import { renderKubeflowApps } from '../installer/plan/kubeflow-apps.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
for (const release of RELEASES) {
  rmSync(join(root, 'kubeflow-apps', release), { recursive: true, force: true });
  const files = renderKubeflowApps(release);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  console.error(`kubeflow-apps/${release}: ${files.length} files`);
}
