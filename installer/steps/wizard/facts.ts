/**
 * What the wizard's questions are based on, gathered from outside (kubeconfig, cluster, git, disk)
 * and passed in, so every step is a function of (given settings, facts, prompter) and tests give
 * facts as data. Reading facts never changes anything.
 */
import type { Target } from '../../catalogue/targets.js';
import type { ArgoCdFacts } from '../../systems/argocd.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import type { Settings } from '../../inputs/settings.js';
import type { GitAuth } from '../../systems/git.js';

export interface ContextFact {
  readonly name: string;
  readonly server: string;
  readonly current: boolean;
}

export interface ClusterFacts {
  readonly context: string;
  readonly server: string;
  readonly version?: string | undefined;
  /** Kubernetes minor version (34 for 1.34), to mark releases the cluster is too old for. */
  readonly minor?: number | undefined;
  readonly detected: { readonly target: Target; readonly why: string };
  readonly allocatable: { readonly cpuMillis: number; readonly memoryMiB: number; readonly nodes: number };
  readonly argocd: ArgoCdFacts;
}

export interface WizardFacts {
  readonly contexts: readonly ContextFact[];
  /** Reads the cluster behind a context; rejects with why it cannot be read. */
  cluster(context: string): Promise<ClusterFacts>;
  /** `git ls-remote` of a fork with its credential; rejects with what to fix. */
  probeRemote(url: string, auth: GitAuth): Promise<void>;
  /** What a local fork path holds: only a missing path or a git repository can be the fork. */
  pathKind(path: string): 'missing' | 'repository' | 'other';
  fileExists(path: string): boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
}

/** What a person typed that must never be saved: used in memory for this run only. */
export interface WizardSecrets {
  gitToken?: string | undefined;
  adminPassword?: string | undefined;
  /** The identity provider's client secret or LDAP bind password, typed at the login question. */
  idpSecret?: string | undefined;
}

export interface WizardResult {
  /** Every setting the install needs (given ones unchanged, the rest answered). */
  readonly settings: Settings;
  readonly secrets: WizardSecrets;
  readonly cluster: ClusterFacts;
}

/** A given value and where it came from, as the wizard shows it instead of asking. */
export function givenNote(given: MergedSettings, name: keyof Settings, label: string, shown?: string): string {
  const v = given.values[name];
  const text = shown ?? (Array.isArray(v) ? v.join(', ') : String(v));
  return `✔ ${label}: ${text} (from ${given.origins.get(name)?.label ?? 'the defaults'})`;
}

export const gib = (mib: number): string => (mib / 1024).toFixed(1);
export const cpus = (millis: number): string => (millis / 1000).toFixed(1);
