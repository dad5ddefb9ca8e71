/**
 * Connecting to the cluster the settings name, said once in the same words by every command that
 * reaches one, before it reads or changes anything there.
 */
import type { Deps } from '../deps.js';
import type { ClusterChoice } from '../inputs/cluster-choice.js';
import type { Kube, KubeTarget } from '../systems/kube.js';

export const contextLine = (t: KubeTarget): string => `cluster: context "${t.context}" at ${t.server}`;

export function connectCluster(deps: Pick<Deps, 'kube' | 'log'>, choice: ClusterChoice): Kube {
  const kube = deps.kube(choice);
  deps.log.step(contextLine(kube.target));
  return kube;
}
