/**
 * Whether an earlier run left the install exactly as this one would: the root Application follows the
 * fork's branch, it and every component of the fork are ready at the commit (as install waits for
 * them), and the root deployed nothing the fork no longer has. Then a re-run of `demo` applies
 * nothing. Pure.
 */
import { ROOT_APP_NAME } from '../../core/constants.js';
import { isInstallApplication } from '../../plan/install-applications.js';
import type { KubeObject } from '../../systems/kube.js';
import { assessApplication, type ArgoApplication } from '../../watch/assess-application.js';

export interface InstallExpected {
  readonly repoURL: string;
  readonly branch: string;
  readonly revision: string;
  readonly components: readonly string[];
}

export function installInPlace(apps: readonly KubeObject[], e: InstallExpected): boolean {
  const ours = apps.filter(isInstallApplication) as (KubeObject & ArgoApplication)[];
  const byName = new Map(ours.map((a) => [a.metadata?.name ?? '', a]));
  const root = byName.get(ROOT_APP_NAME);
  const source = root?.spec?.source;
  if (source?.repoURL !== e.repoURL || source.targetRevision !== e.branch) return false;
  const wanted = new Set(e.components);
  if (ours.some((a) => a.metadata?.name !== ROOT_APP_NAME && !wanted.has(a.metadata?.name ?? ''))) return false;
  // The root is ready as install waits for it: Synced at the commit, Healthy, its last sync done.
  return [ROOT_APP_NAME, ...e.components].every(
    (name) => assessApplication(byName.get(name), e.revision).phase === 'ready',
  );
}
