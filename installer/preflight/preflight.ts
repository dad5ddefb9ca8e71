/**
 * Preflight (`doctor`, and the first step of install/apply): every check runs and every problem is
 * reported at once, each with a fix. Reads only; nothing in the cluster changes.
 */
import type { Target } from '../catalogue/targets.js';
import type { ArgoCdFacts } from '../systems/argocd.js';
import type { Kube } from '../systems/kube.js';
import type { Check, PreflightInputs } from './check.js';
import {
  checkApi,
  checkArgoCd,
  checkNodes,
  checkPermissions,
  checkStorage,
  kubernetesVersionCheck,
} from './cluster-checks.js';

export type { Check, PreflightInputs } from './check.js';

export interface PreflightResult {
  readonly checks: readonly Check[];
  readonly ok: boolean;
  readonly argocd?: ArgoCdFacts | undefined;
  readonly detectedTarget?: Target | undefined;
}

/** Every check in order; only an unreachable API server stops the rest. */
export async function preflightChecks(kube: Kube, inputs: PreflightInputs): Promise<PreflightResult> {
  const api = await checkApi(kube);
  if (api.version === undefined) return { checks: [api.check], ok: false };
  const { checks: argoChecks, argocd } = await checkArgoCd(kube);
  const permissions = await checkPermissions(kube, argocd?.present === false);
  const nodes = await checkNodes(kube, inputs);
  const checks = [
    api.check,
    kubernetesVersionCheck(inputs.release, api.version),
    ...argoChecks,
    permissions,
    ...nodes.checks,
    await checkStorage(kube),
  ];
  return { checks, ok: checks.every((c) => c.status !== 'fail'), argocd, detectedTarget: nodes.detectedTarget };
}
