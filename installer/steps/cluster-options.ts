/** The cluster settings of install, apply and upgrade, as the cluster steps take them. */
import type { ClusterOptions } from './deliver-to-cluster.js';
import { progressMode } from '../ui/progress.js';
import { duration } from '../inputs/duration.js';
import { CLUSTER_DEFAULTS, type Settings } from '../inputs/settings.js';

export interface TerminalFacts {
  readonly output: 'text' | 'json';
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export function clusterOptionsFrom(settings: Settings, terminal: TerminalFacts): ClusterOptions {
  return {
    configureArgocd: settings.configureArgocd === true,
    seed: settings.noSeed !== true,
    timeoutMs: duration(settings.timeout ?? CLUSTER_DEFAULTS.timeout, '--timeout'),
    componentTimeoutMs: duration(settings.componentTimeout ?? CLUSTER_DEFAULTS.componentTimeout, '--component-timeout'),
    failureGraceMs: duration(settings.failureGrace ?? CLUSTER_DEFAULTS.failureGrace, '--failure-grace'),
    progress: progressMode(terminal.output, terminal),
  };
}
