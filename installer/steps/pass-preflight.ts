/**
 * The cluster check every command that changes the cluster runs once, before its first change:
 * the preflight, each check logged, and a stop with every failure and its fix when one fails. Which
 * cluster it is was said when the command connected (connect-cluster.ts).
 */
import { ExitCode, UserError } from '../core/errors.js';
import { checkLogLine, preflightFailure } from '../preflight/render-checks.js';
import { preflightChecks, type PreflightInputs, type PreflightResult } from '../preflight/preflight.js';
import type { Kube } from '../systems/kube.js';
import type { Logger } from '../ui/logger.js';

export interface CheckOptions {
  /** What the failure message promises, e.g. "nothing was changed" or "nothing was pushed". */
  readonly unchanged: string;
}

export async function passPreflight(
  kube: Kube,
  inputs: PreflightInputs,
  log: Logger,
  how: CheckOptions,
): Promise<PreflightResult> {
  const pre = await preflightChecks(kube, inputs);
  for (const c of pre.checks) {
    if (c.status === 'ok') log.info(checkLogLine(c));
    else log.warn(checkLogLine(c));
  }
  if (!pre.ok)
    throw new UserError(preflightFailure(kube.target.context, pre.checks, how.unchanged), ExitCode.preflight);
  return pre;
}
