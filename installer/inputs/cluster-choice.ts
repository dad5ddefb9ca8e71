/**
 * The cluster a command acts on, taken from the merged settings only (flags, `--config` and KFG_*,
 * see merge-settings.ts), so every command picks it the same way. Deps.kube and Deps.portForward
 * take nothing else: a command cannot hand them a raw `--context` and so miss KFG_CONTEXT or the
 * config file, and act on the kubeconfig's current context instead of the one named.
 */
import type { KubeOptions } from '../systems/kube.js';
import type { Origin } from './merge-settings.js';
import type { SettingName, Settings } from './settings.js';

declare const chosen: unique symbol;

/** Kubeconfig and context as the settings name them (a value only clusterChoice makes). */
export type ClusterChoice = Omit<KubeOptions, 'changes'> & { readonly [chosen]: true };

export function clusterChoice(
  settings: Pick<Settings, 'kubeconfig' | 'context'>,
  origins?: ReadonlyMap<SettingName, Origin>,
): ClusterChoice {
  const origin = origins?.get('context');
  return {
    kubeconfig: settings.kubeconfig,
    context: settings.context,
    contextOrigin: origin?.kind === 'flag' ? undefined : origin?.label,
  } as ClusterChoice;
}
