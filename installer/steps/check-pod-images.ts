/**
 * `status` with `--registry`: every pod in the cluster, every container's image checked against the
 * registry, the ones from elsewhere named. Reads only.
 */
import type { Deps } from '../deps.js';
import { describeForeign, foreignContainers, type ForeignContainer } from '../images/foreign-images.js';
import type { Kube } from '../systems/kube.js';

export async function checkPodImages(
  kube: Kube,
  deps: Pick<Deps, 'log'>,
  registry: string,
): Promise<ForeignContainer[]> {
  const pods = await kube.list({ apiVersion: 'v1', resource: 'pods' });
  const foreign = foreignContainers(pods, registry);
  if (foreign.length === 0) deps.log.info(`✔ every container of ${pods.length} pods runs an image from ${registry}`);
  else {
    deps.log.warn(`✗ ${foreign.length} container(s) run an image that is not from ${registry}:`);
    for (const f of foreign) deps.log.warn(`  ${describeForeign(f)}`);
  }
  return foreign;
}
