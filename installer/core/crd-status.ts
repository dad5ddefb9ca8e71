/** Whether the API server serves a CustomResourceDefinition's kind, read from the CRD's own status. */

/** Any Kubernetes object, as far as a CRD's status is concerned. */
interface CrdStatus {
  kind?: string;
  metadata?: { name?: string };
  status?: { conditions?: { type?: string; status?: string }[] };
}

/** The API server serves a CRD's kind once it says Established. */
export function isEstablished(crd: CrdStatus | undefined): boolean {
  return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
}

interface ServingCrd extends CrdStatus {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] };
}

/** The Established CRD through which the API server serves `group/version, Kind=kind`, if any. */
export function crdServing<T extends ServingCrd>(
  crds: readonly T[],
  gvk: { readonly group: string; readonly version: string; readonly kind: string },
): T | undefined {
  return crds.find(
    (c) =>
      c.spec?.group === gvk.group &&
      c.spec.names?.kind === gvk.kind &&
      (c.spec.versions ?? []).some((v) => v.name === gvk.version && v.served === true) &&
      isEstablished(c),
  );
}
