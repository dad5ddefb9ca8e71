/**
 * The files of kubeflow-apps/: for each release, one Application per component pointing at the
 * upstream repository and release tag (valid on their own), plus the root app-of-apps.
 * scripts/generate-kubeflow-apps.ts writes them; a contract test keeps them in step with the catalogue.
 */
import { COMPONENTS } from '../catalogue/components.js';
import type { Release } from '../catalogue/releases.js';
import { resolveComponents } from '../catalogue/resolve-components.js';
import { DEFAULT_UPSTREAM } from '../core/constants.js';
import { renderComponentApplication, renderRootApplication } from './render-application.js';

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** Path of a component's template inside this project (and inside the installed package). */
export const templatePath = (release: Release, component: string): string =>
  `kubeflow-apps/${release}/${component}.yaml`;
export const rootTemplatePath = (release: Release): string => `kubeflow-apps/${release}/root/kubeflow.yaml`;

export function renderKubeflowApps(release: Release): GeneratedFile[] {
  const names = COMPONENTS.filter((c) => c.paths[release] !== undefined).map((c) => c.name);
  const source = { repoURL: DEFAULT_UPSTREAM, targetRevision: release };
  return [
    ...resolveComponents(names, release).map((c) => ({
      path: templatePath(release, c.spec.name),
      content: renderComponentApplication(c, source),
    })),
    { path: rootTemplatePath(release), content: renderRootApplication(source) },
  ];
}
