/**
 * Whether an earlier run left the install exactly as this one would: the root Application follows the
 * fork's branch and is Synced at the commit, every component of the fork is ready at that commit, and
 * the root deployed nothing the fork no longer has. Then a re-run of `demo` applies nothing. Pure.
 */
import { ROOT_APP_NAME } from '../constants.js';
import { isInstallApplication } from '../plan/install-applications.js';
import type { KubeObject } from '../systems/kube.js';
import { assessApplication, type ArgoApplication } from '../watch/assess-application.js';

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
  const rootInPlace =
    source?.repoURL === e.repoURL &&
    source.targetRevision === e.branch &&
    root?.status?.sync?.status === 'Synced' &&
    root.status.sync.revision === e.revision;
  if (!rootInPlace) return false;
  const wanted = new Set(e.components);
  if (ours.some((a) => a.metadata?.name !== ROOT_APP_NAME && !wanted.has(a.metadata?.name ?? ''))) return false;
  return e.components.every((name) => assessApplication(byName.get(name), e.revision).phase === 'ready');
}
