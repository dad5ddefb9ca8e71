/** What `demo` says to people around its steps: the cluster it started, and the closing notes. Pure. */
import type { LocalClusterUp, Prerequisite } from '../../systems/local-cluster.js';

/** Before the cluster: what a first run costs, so a long build is expected. */
export const CLUSTER_INTRO =
  'local cluster: a real kube-apiserver, controllers, scheduler and Argo CD as local processes (no Docker); ' +
  'a first run builds 7 binaries from the Go module proxy, 30-40 min on 2 cores (each build says its own time), ' +
  'later runs reuse them and a running cluster';

export function prerequisitesMessage(missing: readonly Prerequisite[]): string {
  return (
    `demo needs what the local cluster is built and run with; missing:\n` +
    missing.map((m) => `  - ${m.name}: ${m.install}`).join('\n') +
    `\nnothing was built or started`
  );
}

export function clusterUpSentence(up: LocalClusterUp): string[] {
  const lines: string[] = [];
  if (up.built.length > 0) lines.push(`built ${up.built.map((b) => `${b.name} (${b.seconds} s)`).join(', ')}`);
  if (up.cached.length > 0) lines.push(`binaries already built: ${up.cached.join(', ')}`);
  lines.push(
    up.started.length > 0
      ? `local cluster up in ${up.upSeconds} s (started ${up.started.join(', ')}); logs in ${up.logsDir}`
      : `local cluster already running: reused it (checked in ${up.upSeconds} s); logs in ${up.logsDir}`,
  );
  return lines;
}

export const IN_PLACE =
  'everything was already in place: the fork is unchanged (no new commit) and every component is ready at it, so nothing was applied';

/**
 * The closing notes: what is simulated, and the commands to try next and to tear it all down, as they
 * are spelled where demo runs: `npm run …` and scripts/ in a source checkout, the installed command
 * elsewhere (the package has no scripts/: a checkout's `scripts/local-cluster down` stops the cluster).
 */
export function closingNotes(o: {
  kubeconfig: string;
  clusterDir: string;
  forkPath: string;
  fromCheckout: boolean;
}): string[] {
  const cli = o.fromCheckout ? 'npm run kubeflow-gitops --' : 'kubeflow-gitops';
  const line = (command: string, why: string) => `  ${command.padEnd(44)}# ${why}`;
  const down = o.fromCheckout
    ? [line('scripts/local-cluster down', `stops every process and removes ${o.clusterDir}`)]
    : [
        '  the local cluster keeps running; `scripts/local-cluster down` in a checkout of kubeflow-gitops stops',
        `  every process it recorded and removes ${o.clusterDir}`,
      ];
  return [
    '',
    'What is real: kube-apiserver, controller-manager and scheduler, etcd, and Argo CD syncing every component',
    'from your fork. What is simulated: there is no kubelet, so pods do not really run (kwok marks them Running',
    'and Ready); no Service networking (no kube-proxy, no DNS); admission webhooks are not served and',
    'cert-manager issues no certificates (--target local ignores their health). Details: docs/local-cluster.md',
    '',
    'Try next:',
    `  export KUBECONFIG=${o.kubeconfig}`,
    line(`${cli} status --watch`, 'follow every component'),
    line(`${cli} uninstall`, 'remove Kubeflow again (the cluster and Argo CD stay)'),
    'Tear everything down:',
    ...down,
    `  (the demo fork stays in ${o.forkPath}; delete it to start from a new one)`,
  ];
}
