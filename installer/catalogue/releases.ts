/** Kubeflow releases this installer knows, with the facts preflight and the wizard need. */
export const RELEASES = ['v1.10.2', 'v1.11.0', '26.03'] as const;
export type Release = (typeof RELEASES)[number];

export interface ReleaseInfo {
  readonly name: Release;
  readonly date: string;
  /** Lowest Kubernetes minor the release is known to work on, and the one upstream CI uses. */
  readonly kubernetes: { readonly min: string; readonly tested: string };
}

export const RELEASE_INFO: Readonly<Record<Release, ReleaseInfo>> = {
  'v1.10.2': { name: 'v1.10.2', date: '2025-07-18', kubernetes: { min: '1.29', tested: '1.32' } },
  'v1.11.0': { name: 'v1.11.0', date: '2025-12-15', kubernetes: { min: '1.31', tested: '1.34' } },
  '26.03': { name: '26.03', date: '2026-03-21', kubernetes: { min: '1.31', tested: '1.34' } },
};

export const NEWEST_RELEASE: Release = '26.03';

export function isRelease(value: string): value is Release {
  return (RELEASES as readonly string[]).includes(value);
}
