/**
 * Questions 1 and 2: which cluster (kubeconfig context, current one preselected, server shown) and
 * what kind of cluster it is (detected from its nodes, confirmable). A context that is not in the
 * kubeconfig or whose API server cannot be read is caught here, before anything else is asked.
 */
import { TARGETS, TARGET_INFO, type Target } from '../../catalogue/targets.js';
import { ExitCode, UserError } from '../../core/errors.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import type { Prompter } from '../../systems/prompter.js';
import { cpus, gib, givenNote, type ClusterFacts, type WizardFacts } from './facts.js';

export async function askContext(given: MergedSettings, facts: WizardFacts, p: Prompter): Promise<ClusterFacts> {
  if (facts.contexts.length === 0)
    throw new UserError('the kubeconfig has no contexts: set KUBECONFIG or pass --kubeconfig', ExitCode.preflight);
  let fixed = given.values.context;
  if (fixed !== undefined && !facts.contexts.some((c) => c.name === fixed)) {
    p.note(
      `✗ context "${fixed}" (from ${given.origins.get('context')?.label ?? '--context'}) is not in the kubeconfig; choose one of its contexts`,
    );
    fixed = undefined;
  }
  let previous = facts.contexts.find((c) => c.current)?.name ?? facts.contexts[0]?.name;
  for (;;) {
    const context =
      fixed ??
      (await p.select(
        'Kubernetes context (the current one is preselected; nothing changes before the last question)',
        facts.contexts.map((c) => ({
          value: c.name,
          short: `${c.name} (${c.server})`,
          name: `${c.name}  ${c.server}${c.current ? '  (current)' : ''}`,
          description: `API server ${c.server}`,
        })),
        previous,
      ));
    if (fixed !== undefined) p.note(givenNote(given, 'context', 'Kubernetes context'));
    try {
      const cluster = await facts.cluster(context);
      p.note(
        `  ${cluster.server}: Kubernetes ${cluster.version ?? '?'}, ${cluster.allocatable.nodes} node(s) with ${cpus(cluster.allocatable.cpuMillis)} CPU and ${gib(cluster.allocatable.memoryMiB)} GiB allocatable`,
      );
      return cluster;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (fixed !== undefined)
        throw new UserError(`the cluster of context "${context}" cannot be read: ${why}`, ExitCode.preflight);
      p.note(
        `✗ the cluster of context "${context}" cannot be read: ${why}; choose another context or fix it and choose it again`,
      );
      previous = context;
    }
  }
}

export async function askTarget(given: MergedSettings, cluster: ClusterFacts, p: Prompter): Promise<Target> {
  const value = given.values.target;
  if (value !== undefined) {
    p.note(givenNote(given, 'target', 'Cluster type'));
    if (value !== cluster.detected.target && value !== 'generic')
      p.note(`  ! the cluster looks like ${cluster.detected.target} (${cluster.detected.why})`);
    return value as Target;
  }
  const { target, why } = cluster.detected;
  // The test control plane is only offered when the cluster is one.
  const offered = TARGETS.filter((t) => t !== 'local' || target === 'local');
  return p.select(
    `Cluster type (detected: ${target}, from ${why}; it picks the overlays and the default footprint)`,
    offered.map((t) => ({
      value: t,
      short: t,
      name: `${t.padEnd(9)} ${TARGET_INFO[t].description}${t === target ? '  (detected)' : ''}`,
      description: TARGET_INFO[t].notes.join(' ') || undefined,
    })),
    target,
  );
}
