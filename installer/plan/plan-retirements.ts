/**
 * Applications an upgrade retires, as data. The root prunes an Application that is no longer in the
 * fork's kubeflow-apps/ (a component upstream folded into another, like network-policies into
 * kubeflow-namespace in 26.03, or one a team removed), and Argo CD's resources finalizer then
 * deletes what it deployed. For a folded component that is wrong twice over: its successor ships the
 * same objects and re-creates them, so NetworkPolicies or a ClusterIssuer are missing for a while,
 * and an object that was in the cluster before the install is deleted with it. Pure, so the rule is
 * tested without a cluster; steps/retire-applications.ts carries it out.
 */
import { COMPONENTS, type ComponentSpec } from '../catalogue/components.js';
import type { Release } from '../catalogue/releases.js';
import { ANNOTATION_COMPONENT, ANNOTATION_KEPT, ROOT_APP_NAME } from '../core/constants.js';
import type { InstallRecord } from './parse-install-record.js';
import type { KubeObject } from '../systems/kube.js';
import { existedBefore, keepsOnDelete, listedResources, type ManagedRef } from './build-uninstall-plan.js';
import { isInstallApplication, trackedBy } from './install-applications.js';

export interface Retirement {
  /** The Application the root will prune. */
  readonly app: string;
  /**
   * The Application in the fork that ships the same objects now: they are held with Delete=false
   * (the cascade skips them) and the successor adopts them in place. Without one, the cascade runs, and what
   * existed before the install is kept as uninstall keeps it.
   */
  readonly successor?: string | undefined;
  /** What the retired Application listed as its own, to settle once it is gone. */
  readonly refs: readonly ManagedRef[];
}

/**
 * The live Applications of this install that the fork no longer has. The successor of a component
 * is the one the catalogue folds it into on `release`, when the fork has that Application.
 */
export function planRetirements(
  live: readonly KubeObject[],
  forkApps: ReadonlySet<string>,
  release: Release,
  catalogue: readonly ComponentSpec[] = COMPONENTS,
): Retirement[] {
  const byName = new Map(catalogue.map((c) => [c.name, c]));
  const out: Retirement[] = [];
  for (const a of live) {
    const app = a.metadata?.name ?? '';
    if (app === '' || app === ROOT_APP_NAME || forkApps.has(app) || !isInstallApplication(a)) continue;
    if (a.metadata?.['deletionTimestamp'] !== undefined) continue; // already going: too late to change how
    const component = a.metadata?.annotations?.[ANNOTATION_COMPONENT] ?? app;
    const into = byName.get(component)?.mergedInto?.[release];
    out.push({
      app,
      successor: into !== undefined && forkApps.has(into) ? into : undefined,
      refs: listedResources([a]),
    });
  }
  return out.sort((x, y) => x.app.localeCompare(y.app));
}

export type Settlement = 'leave' | 'release' | 'untrack' | 'delete';

/**
 * What becomes of one object a retired Application listed, once that Application is gone:
 * - `release`: it was marked as there before the install; hand it back as uninstall does;
 * - `leave`: another Application tracks it now (the successor adopted it), or nothing tracks it;
 * - `untrack`: still tracked by the retired Application but there before the install, or kept with
 *   Delete=false by its owner: only Argo CD's tracking goes;
 * - `delete`: the retired Application made it and no successor took it.
 */
export function settle(o: KubeObject, retired: string, record: InstallRecord | undefined): Settlement {
  if (o.metadata?.annotations?.[ANNOTATION_KEPT] !== undefined) return 'release';
  if (trackedBy(o) !== retired) return 'leave';
  if (existedBefore(o, record) || keepsOnDelete(o)) return 'untrack';
  return 'delete';
}
