/**
 * How an upgrade reads, before (`plan --to`) and after (`upgrade`): component by component what
 * changes, files, vendored bases, conflicts; and as one JSON document. Pure.
 */
import { createTwoFilesPatch } from 'diff';
import type { ComponentChange, UpgradePlan } from './build-upgrade-plan.js';
import { releaseLabel } from '../../catalogue/releases.js';
import { describeStep } from '../../plan/plan-upgrade-steps.js';

export interface UpgradeReport {
  readonly from: string;
  readonly to: string;
  readonly plan?: UpgradePlan | undefined;
  readonly autoResolved: readonly { readonly path: string; readonly why: string }[];
  readonly conflicts: readonly string[];
}

export function describeChange(c: ComponentChange, to: string): string {
  switch (c.change) {
    case 'kept':
      return `${c.name}: ${c.path}`;
    case 'moved':
      return `${c.name}: moved upstream, ${c.from} -> ${c.to}`;
    case 'merged':
      return `${c.name}: part of ${c.into} in ${to}; its Application is removed and ${c.into} takes over what it deployed, in place`;
    case 'removed':
      return `${c.name}: REMOVED upstream, not in ${to}; its Application is removed and Argo CD will delete what it deployed (what was there before the install is kept)`;
    case 'added':
      return `${c.name}: added, ${c.path} (needed by ${c.requestedBy.join(', ')})`;
  }
}

/** Lines for people; `diffs` adds a unified diff of every changed Application and overlay. */
export function renderUpgradeText(r: UpgradeReport, opts: { diffs: boolean }): string {
  const out: string[] = [];
  const p = r.plan;
  out.push(
    r.from === r.to
      ? `The fork is on Kubeflow ${releaseLabel(r.to)} already.`
      : `Upgrade Kubeflow ${releaseLabel(r.from)} -> ${releaseLabel(r.to)}${p ? ` (target ${p.target}, branch ${p.fork.branch})` : ''}`,
  );
  if (r.conflicts.length > 0) {
    out.push('', `Conflicts with your changes (${r.conflicts.length}); upgrade stops here for you to resolve them:`);
    for (const c of r.conflicts) out.push(`  ! ${c}`);
  }
  if (r.autoResolved.length > 0) {
    out.push('', `Conflicts in kubeflow-gitops' own changes, settled automatically (${r.autoResolved.length}):`);
    for (const a of r.autoResolved) out.push(`  ${a.path}: ${a.why}`);
  }
  if (p === undefined) return `${out.join('\n')}\n`;
  const notable = p.components.filter((c) => c.change !== 'kept');
  out.push('', `Components (${p.selection.length} on ${p.to}; ${notable.length} change):`);
  for (const c of notable) out.push(`  ${describeChange(c, p.to)}`);
  if (notable.length === 0) out.push('  no component is renamed, moved, merged or removed');
  out.push('', `Files (${p.files.length}):`);
  if (p.files.length === 0) out.push('  none: kubeflow-apps/ and overlays/ are up to date');
  for (const f of p.files) out.push(`  ${f.action === 'create' ? '+' : f.action === 'delete' ? '-' : '~'} ${f.path}`);
  if (p.vendor.sources.length > 0 || p.vendorRemoved.length > 0) {
    out.push('', 'Vendored remote bases:');
    for (const s of p.vendor.sources) out.push(`  + ${s.url}\n      -> ${s.dest}`);
    for (const v of p.vendorRemoved) out.push(`  - ${v} (no longer used)`);
  }
  if (p.steps.length > 0) {
    // Upstream's README lists these as manual steps; done in the cluster, before and after the sync.
    out.push('', `In the cluster (${p.steps.length}; not with --no-apply):`);
    for (const s of p.steps) out.push(`  ${describeStep(s)}`);
  }
  if (p.warnings.length > 0) out.push('', 'Look at:', ...p.warnings.map((w) => `  - ${w}`));
  if (opts.diffs) {
    // Only edits: a created file is all new and a deleted one all gone, which the list says already.
    const changed = p.files.filter((f) => f.action === 'update');
    if (changed.length > 0) out.push('', 'Diffs:');
    for (const f of changed)
      out.push(
        createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, f.before ?? '', f.after ?? '', undefined, undefined, {
          context: 2,
        }).trimEnd(),
      );
  }
  return `${out.join('\n')}\n`;
}

/** One JSON document; file contents are replaced by diffs. */
export function upgradeReportToJson(r: UpgradeReport): object {
  return {
    from: r.from,
    to: r.to,
    conflicts: r.conflicts,
    autoResolved: r.autoResolved,
    plan: r.plan && {
      ...r.plan,
      files: r.plan.files.map((f) => ({
        path: f.path,
        action: f.action,
        changes: f.changes,
        diff: createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, f.before ?? '', f.after ?? '', undefined, undefined, {
          context: 3,
        }),
      })),
    },
  };
}
