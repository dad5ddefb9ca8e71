/**
 * Watches every component to Synced-at-the-revision and Healthy with a progress view, then explains
 * what is not ready from the workloads themselves. install, apply, upgrade and status share it.
 */
import { ROOT_APP_NAME } from '../core/constants.js';
import { ExitCode, InterruptedError } from '../core/errors.js';
import { uninterruptible, type Interruptible } from '../core/interruptible.js';
import type { Kube } from '../systems/kube.js';
import { createProgressReporter, type ProgressMode } from '../ui/progress.js';
import { explainFromObjects } from '../watch/explain-from-objects.js';
import { waitForComponents, type WaitResult } from '../watch/wait-for-components.js';
import type { SeedResult } from './seed-components.js';

export interface WatchOptions {
  readonly components: readonly { readonly name: string; readonly wave: number }[];
  readonly revision: string;
  readonly componentTimeoutMs: number;
  readonly timeoutMs: number;
  readonly failureGraceMs: number;
  readonly progress: ProgressMode;
  readonly interruptible?: Interruptible | undefined;
  /** What this run seeded and why it left the rest to Argo CD: said with the progress, sync windows watched. */
  readonly seeding?: SeedResult | undefined;
}

export async function watchComponents(kube: Kube, o: WatchOptions): Promise<WaitResult> {
  const reporter = createProgressReporter(o.progress);
  reporter.start(o.components);
  if (o.seeding !== undefined) reporter.seeding(o.seeding);
  const windows = new Map(
    (o.seeding?.left ?? []).flatMap((l) => (l.window === undefined ? [] : [[l.component, l.window.opensAt] as const])),
  );
  const wait = await (o.interruptible ?? uninterruptible)((signal) =>
    waitForComponents(kube, {
      components: o.components,
      root: ROOT_APP_NAME,
      expectedRevision: o.revision,
      componentTimeoutMs: o.componentTimeoutMs,
      overallTimeoutMs: o.timeoutMs,
      failureGraceMs: o.failureGraceMs,
      windows,
      signal,
      onState: (n, s) => {
        reporter.update(n, s);
      },
      onNote: (m) => {
        reporter.note(m);
      },
    }),
  );
  // Said per workload when Argo CD keeps no per-resource health (see explain-from-objects).
  await reporter.finish(await explainFromObjects(kube, wait.states));
  return wait;
}

export function exitCodeOf(wait: WaitResult): number {
  switch (wait.outcome.kind) {
    case 'ready':
      return ExitCode.ok;
    case 'failed':
      return ExitCode.degraded;
    case 'timeout':
      return ExitCode.timeout;
    case 'interrupted':
      throw new InterruptedError(
        'interrupted while watching: Argo CD carries on with what is applied; run the same command again to continue',
      );
    case 'error':
      throw wait.outcome.error;
  }
}
