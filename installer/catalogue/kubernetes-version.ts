/**
 * Whether a cluster's Kubernetes version satisfies a release's minimum (RELEASE_INFO). Pure: doctor,
 * preflight and the wizard pass what the API server's /version answered.
 */
import { RELEASE_INFO, type Release } from './releases.js';

/** The fields of the API server's /version that matter here. */
export interface ServerVersion {
  readonly major?: string | undefined;
  readonly minor?: string | undefined;
  readonly gitVersion?: string | undefined;
}

export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
}

export type KubernetesFit =
  | { readonly fit: 'ok' | 'too-old'; readonly server: string; readonly min: string; readonly tested: string }
  | { readonly fit: 'unknown'; readonly server?: undefined; readonly min: string; readonly tested: string };

/**
 * major/minor as the server reports them; managed clusters add suffixes ("35+" on GKE and EKS), so the
 * digits are read, and gitVersion (v1.35.4-gke.100) is the fallback when they are missing.
 */
export function parseServerVersion(v: ServerVersion): KubernetesVersion | undefined {
  const major = leadingInt(v.major);
  const minor = leadingInt(v.minor);
  if (major !== undefined && minor !== undefined) return { major, minor };
  const m = /^v?(\d+)\.(\d+)/.exec(v.gitVersion ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** Parses "1.35" (a release's minimum). */
export function parseMinorVersion(text: string): KubernetesVersion {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new Error(`internal: "${text}" is not a Kubernetes major.minor version`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function compareVersions(a: KubernetesVersion, b: KubernetesVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

export function kubernetesFit(release: Release, server: ServerVersion): KubernetesFit {
  const { min, tested } = RELEASE_INFO[release].kubernetes;
  const v = parseServerVersion(server);
  if (v === undefined) return { fit: 'unknown', min, tested };
  return {
    fit: compareVersions(v, parseMinorVersion(min)) >= 0 ? 'ok' : 'too-old',
    server: `${v.major}.${v.minor}`,
    min,
    tested,
  };
}

/** True when the server is new enough, or its version cannot be read (preflight reports that itself). */
export function satisfiesKubernetes(release: Release, server: ServerVersion): boolean {
  return kubernetesFit(release, server).fit !== 'too-old';
}

function leadingInt(text: string | undefined): number | undefined {
  const m = /^(\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
}
