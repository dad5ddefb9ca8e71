/**
 * What this install found and changed, kept in the cluster it describes: a ConfigMap in Argo CD's
 * namespace, written before the first change and never rewritten after. Uninstall reads it to know
 * which namespaces were already there (those are never deleted), whether Argo CD was installed by us
 * (only then may it be removed) and whether an adopted Argo CD's config carries our keys.
 * It lives in the cluster, not on the machine that ran install, so any machine can uninstall.
 */
import { ARGOCD_NAMESPACE, LABEL_MANAGED_BY, TOOL } from '../core/constants.js';
import { INSTALL_RECORD, parseInstallRecord, type InstallRecord } from '../plan/parse-install-record.js';
import type { Kube, KubeObject } from '../systems/kube.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ARGOCD_NAMESPACE, name: INSTALL_RECORD } as const;

export async function readInstallRecord(kube: Kube): Promise<InstallRecord | undefined> {
  return parseInstallRecord(await kube.get<ConfigMap>(REF));
}

/**
 * Writes the record unless one exists (a re-run keeps the first one: by then the namespaces of the
 * first attempt exist, and they are ours). When Argo CD is absent its namespace is created here, so
 * the record exists before anything it describes.
 */
export async function ensureInstallRecord(
  kube: Kube,
  facts: { argocdPresent: boolean; now?: Date },
): Promise<InstallRecord> {
  const existing = await readInstallRecord(kube);
  if (existing) return existing;
  const namespaces = await kube.list({ apiVersion: 'v1', resource: 'namespaces' });
  const namespacesBefore = namespaces
    .map((n) => n.metadata?.name ?? '')
    .filter((n) => n !== '')
    .sort();
  const crds = await kube.list({ apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions' });
  const crdsBefore = crds
    .map((n) => n.metadata?.name ?? '')
    .filter((n) => n !== '')
    .sort();
  const now = (facts.now ?? new Date()).toISOString();
  const record: InstallRecord = {
    namespacesBefore,
    crdsBefore,
    argocd: facts.argocdPresent ? 'adopted' : 'installed',
    configuredArgocd: false,
    createdAt: now,
    recordedAt: now,
  };
  const labels = { [LABEL_MANAGED_BY]: TOOL };
  if (!facts.argocdPresent)
    await kube.createIfAbsent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE, labels } });
  await kube.createIfAbsent({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: INSTALL_RECORD, namespace: ARGOCD_NAMESPACE, labels },
    data: {
      namespacesBefore: JSON.stringify(namespacesBefore),
      crdsBefore: JSON.stringify(crdsBefore),
      argocd: record.argocd,
      configuredArgocd: 'false',
      createdAt: now,
    },
  });
  // Another run may have won the race: the stored record is the truth.
  return (await readInstallRecord(kube)) ?? record;
}

/** Set before the adopted Argo CD's config is changed, so a run killed right after still gets it reverted. */
export async function markArgoCdConfigured(kube: Kube): Promise<void> {
  await kube.mergePatch(REF, { data: { configuredArgocd: 'true' } });
}

/** Written before seeding, so uninstall finds what a run stopped mid-seed applied (see InstallRecord.seeded). */
export async function markSeeding(kube: Kube, record: InstallRecord, components: readonly string[]): Promise<void> {
  await addNames(kube, 'seeded', record.seeded ?? [], components);
}

/**
 * Records CRDs before the installer creates them ahead (see InstallRecord.crdsCreated), starting from the
 * record the run read; the returned function writes one batch at a time, each with every name so far.
 */
export function crdRecorder(kube: Kube, record: InstallRecord): (names: readonly string[]) => Promise<void> {
  let known = record.crdsCreated ?? [];
  let last = Promise.resolve();
  return (names) => {
    last = last.then(async () => {
      known = await addNames(kube, 'crdsCreated', known, names);
    });
    return last;
  };
}

async function addNames(
  kube: Kube,
  key: 'seeded' | 'crdsCreated',
  before: readonly string[],
  names: readonly string[],
): Promise<readonly string[]> {
  const all = [...new Set([...before, ...names])].sort();
  if (all.length !== before.length) await kube.mergePatch(REF, { data: { [key]: JSON.stringify(all) } });
  return all;
}
