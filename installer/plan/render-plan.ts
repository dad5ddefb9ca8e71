/**
 * How a plan reads: for people (components in wave order, files, vendored bases, a diff of each
 * Application) and for machines (one JSON document). Pure.
 */
import { createTwoFilesPatch } from 'diff';
import type { ForkPlan } from './build-fork-plan.js';
import { releaseLabel } from '../catalogue/releases.js';

/** The plan as JSON: the files' full contents are replaced by their diffs to keep it readable. */
export function planToJson(plan: ForkPlan): object {
  return {
    ...plan,
    files: plan.files.map((f) => ({
      path: f.path,
      action: f.action,
      changes: f.changes,
      diff: createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, f.before ?? '', f.after, undefined, undefined, {
        context: 3,
      }),
    })),
  };
}

export function renderPlanText(plan: ForkPlan, opts: { diffs: boolean } = { diffs: true }): string {
  const out: string[] = [];
  out.push(`Kubeflow ${releaseLabel(plan.release)} for target ${plan.target} (${plan.footprint} footprint)`);
  out.push(`fork: ${plan.fork.url}  branch: ${plan.fork.branch}`);
  out.push('', `Components (${plan.components.length}), in sync-wave order:`);
  const width = Math.max(...plan.components.map((c) => c.name.length), 4);
  for (const c of plan.components) {
    const why = c.requestedBy === 'user' ? '' : `  (needed by ${c.requestedBy.join(', ')})`;
    out.push(`  ${String(c.wave).padStart(3)}  ${c.name.padEnd(width)}  ${c.path} -> ${c.upstreamPath}${why}`);
  }
  out.push('', `Files (${plan.files.length}):`);
  if (plan.files.length === 0) out.push('  none: the fork is up to date');
  for (const f of plan.files) out.push(`  ${f.action === 'create' ? '+' : '~'} ${f.path}`);
  out.push('', `Vendored remote bases (${plan.vendor.sources.length}):`);
  for (const s of plan.vendor.sources) out.push(`  ${s.url}\n      -> ${s.dest}`);
  if (plan.vendor.rewrites.length > 0)
    out.push(`  ${plan.vendor.rewrites.length} kustomization entries rewritten to vendor/`);
  if (plan.unselected.length > 0) {
    out.push(
      '',
      'Applications in the fork that this selection does not include (left in place; delete them to uninstall):',
    );
    for (const u of plan.unselected) out.push(`  ${u}`);
  }
  if (plan.clusterSecrets.length > 0) {
    out.push('', 'Secrets created in the cluster at apply time with fresh random values (never in git):');
    for (const s of plan.clusterSecrets) out.push(`  ${s.namespace}/${s.name}`);
  }
  if (plan.notes.length > 0) out.push('', 'Notes:', ...plan.notes.map((n) => `  - ${n}`));
  if (opts.diffs) {
    const apps = plan.files.filter((f) => f.path.startsWith('kubeflow-apps/'));
    if (apps.length > 0) out.push('', 'Application diffs:');
    for (const f of apps) {
      out.push(
        createTwoFilesPatch(
          f.before === undefined ? `upstream/${f.path}` : `a/${f.path}`,
          `b/${f.path}`,
          f.before ?? templateOf(f.after, f.changes),
          f.after,
          undefined,
          undefined,
          { context: 2 },
        ).trimEnd(),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** A new Application's diff is shown against the shipped template: only the rewritten values differ. */
function templateOf(after: string, changes: ForkPlan['files'][number]['changes']): string {
  let text = after;
  for (const ch of changes ?? []) if (ch.from !== undefined) text = text.replace(ch.to, ch.from);
  return text;
}
