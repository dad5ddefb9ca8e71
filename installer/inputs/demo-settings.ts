/**
 * What `demo` installs and where, from the merged settings: the local target, a fork in a bare
 * repository under the state directory, the local cluster's kubeconfig, and Pipelines, Notebooks and
 * KServe unless --components (or KFG_COMPONENTS, or the config file) says otherwise. Everything else
 * (release, upstream, --mirror, branch, timeouts) is read as install reads it. Pure.
 */
import { join } from 'node:path';
import type { MergedSettings } from './merge-settings.js';
import type { SettingName, Settings } from './settings.js';

export const DEMO_COMPONENTS = ['pipelines', 'notebooks', 'kserve'] as const;

/** The demo's fork: a bare repository Argo CD's repo-server (a host process) reads with file://. */
export const demoForkPath = (stateDir: string): string => join(stateDir, 'demo', 'manifests.git');

/** Settings the demo decides itself: a value given for one of these is not used, and that is said. */
const DECIDED: readonly SettingName[] = ['fork', 'githubFork', 'target', 'kubeconfig', 'context', 'argocdRepoUrl'];

export interface DemoSettings {
  readonly settings: Settings;
  /** Where each setting the demo overrides was given ("KFG_FORK", "--target", "demo.yaml:3"). */
  readonly ignored: readonly string[];
}

export function demoSettings(merged: MergedSettings, stateDir: string): DemoSettings {
  const ignored = DECIDED.flatMap((name) => {
    const origin = merged.origins.get(name);
    return origin !== undefined && merged.values[name] !== undefined ? [origin.label] : [];
  });
  const given = merged.values;
  return {
    settings: {
      ...given,
      fork: demoForkPath(stateDir),
      githubFork: undefined,
      argocdRepoUrl: undefined,
      target: 'local',
      // The local cluster's kubeconfig, once it is up.
      kubeconfig: undefined,
      context: undefined,
      components: given.components ?? [...DEMO_COMPONENTS],
    },
    ignored,
  };
}
