/** Reading the Argo CD Applications the install, status, upgrade and retirement steps look at. */
import { ARGOCD_NAMESPACE } from '../constants.js';
import { KubeApiError, type Kube, type KubeObject } from '../systems/kube.js';

export const APPLICATIONS_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`;

/** The Applications in Argo CD's namespace; none when Argo CD's CRDs are not there. */
export async function listApplications(kube: Kube): Promise<KubeObject[]> {
  try {
    return (await kube.request<{ items: KubeObject[] }>('GET', APPLICATIONS_PATH)).items;
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 404) return [];
    throw err;
  }
}
