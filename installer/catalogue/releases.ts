/**
 * Kubeflow releases this installer knows, with the facts preflight and the wizard need. Adding one is a
 * data change: docs/adding-a-release.md.
 */
export const RELEASES = ['v1.10.2', 'v1.11.0', '26.03', '26.03.1-rc.2'] as const;
export type Release = (typeof RELEASES)[number];

/**
 * How upstream lays out applications/: 14 folders (centraldashboard, jupyter, profiles, …) up to 26.03,
 * 10 (dashboard, notebooks-v1, hub, …) from 26.03.1 on. Components take their paths per layout, so a
 * new release of a known layout needs no path edits (components.ts).
 */
export type Layout = 'fourteen-folders' | 'ten-folders';

export interface ReleaseInfo {
  readonly name: Release;
  readonly date: string;
  /** A release candidate: listed and installable when named, never the default. */
  readonly preRelease: boolean;
  readonly layout: Layout;
  /**
   * Lowest Kubernetes minor preflight accepts, and the one upstream's README names as targeted/tested:
   * v1.10.2 "targets Kubernetes version 1.32", v1.11.0 "1.34+", 26.03 names none (so it keeps v1.11.0's),
   * 26.03.1 requires 1.35+.
   */
  readonly kubernetes: { readonly min: string; readonly tested: string };
}

export const RELEASE_INFO: Readonly<Record<Release, ReleaseInfo>> = {
  'v1.10.2': {
    name: 'v1.10.2',
    date: '2025-07-18',
    preRelease: false,
    layout: 'fourteen-folders',
    kubernetes: { min: '1.29', tested: '1.32' },
  },
  'v1.11.0': {
    name: 'v1.11.0',
    date: '2025-12-15',
    preRelease: false,
    layout: 'fourteen-folders',
    kubernetes: { min: '1.31', tested: '1.34' },
  },
  '26.03': {
    name: '26.03',
    date: '2026-03-21',
    preRelease: false,
    layout: 'fourteen-folders',
    kubernetes: { min: '1.31', tested: '1.34' },
  },
  '26.03.1-rc.2': {
    name: '26.03.1-rc.2',
    date: '2026-06-05',
    preRelease: true,
    layout: 'ten-folders',
    kubernetes: { min: '1.35', tested: '1.35' },
  },
};

/** The default release: the newest one that is not a pre-release (releases are listed oldest first). */
export function newestFinal<R extends string>(
  releases: readonly R[],
  info: Readonly<Record<R, { readonly preRelease: boolean }>>,
): R | undefined {
  return [...releases].reverse().find((r) => !info[r].preRelease);
}

export const NEWEST_RELEASE: Release = newestFinal(RELEASES, RELEASE_INFO) ?? RELEASES[0];

export function isRelease(value: string): value is Release {
  return (RELEASES as readonly string[]).includes(value);
}

export function isPreRelease(release: Release): boolean {
  return RELEASE_INFO[release].preRelease;
}

/** How a release is shown wherever releases are listed: `26.03.1-rc.2 (pre-release)`. */
export function releaseLabel(release: string): string {
  return isRelease(release) && isPreRelease(release) ? `${release} (pre-release)` : release;
}

/** Every release for help texts and messages, pre-releases marked, the default named. */
export function describeReleases(): string {
  return RELEASES.map((r) => (r === NEWEST_RELEASE ? `${r} (default)` : releaseLabel(r))).join(', ');
}
