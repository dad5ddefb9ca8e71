/** What this install left in the cluster, read once: our Applications, everyone else's, and the install record. */
import { readInstallRecord } from '../../steps/ensure-install-record.js';
import { isInstallApplication } from '../../plan/install-applications.js';
import type { InstallRecord } from '../../plan/parse-install-record.js';
import { argoCdServed, listApplications } from '../../systems/argocd.js';
import type { Kube, KubeObject } from '../../systems/kube.js';

export interface FoundInstall {
  /** Argo CD's API is served; without it there are no Applications and no record to read. */
  readonly argocd: boolean;
  readonly apps: KubeObject[];
  /** Applications that are not this install's, as "namespace/name". */
  readonly foreignApps: string[];
  readonly record: InstallRecord | undefined;
}

export async function findInstall(kube: Kube): Promise<FoundInstall> {
  const argocd = await argoCdServed(kube);
  // One list of every Application, ours picked from it.
  const all = argocd ? await listApplications(kube, { allNamespaces: true }) : [];
  return {
    argocd,
    apps: all.filter(isInstallApplication),
    foreignApps: all
      .filter((a) => !isInstallApplication(a))
      .map((a) => `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`),
    record: argocd ? await readInstallRecord(kube) : undefined,
  };
}
