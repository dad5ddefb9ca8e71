/** What an upgrade run says: the stop on conflicts with the way on, and the JSON result. */
import { TOOL } from '../../core/constants.js';
import { redact } from '../../systems/git.js';
import type { Logger } from '../../ui/logger.js';
import { describeChange, renderUpgradeText, upgradeReportToJson } from './render-upgrade-plan.js';
import type { UpgradeResult } from './upgrade-result.js';

type Conflict = Extract<UpgradeResult, { kind: 'conflict' }>;

/** Said once the fork is settled; with apply, watch events follow on stdout one JSON document per line. */
export function sayForkSettled(
  r: UpgradeResult,
  run: { readonly output: 'text' | 'json'; readonly argv: readonly string[] },
  log: Logger,
  out: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream },
): void {
  const json = run.output === 'json';
  if (json) out.stdout.write(`${JSON.stringify(upgradeResultJson(r))}\n`);
  switch (r.kind) {
    case 'aborted':
      log.info(
        r.existed
          ? 'dropped the stopped upgrade and its working copy; the fork was never changed'
          : 'no stopped upgrade to abort; nothing to do',
      );
      return;
    case 'conflict':
      out.stderr.write(redact(conflictText(r, run.argv)));
      return;
    case 'up-to-date':
    case 'upgraded':
      if (!json)
        out.stderr.write(
          renderUpgradeText(
            { from: r.plan.from, to: r.plan.to, plan: r.plan, autoResolved: r.autoResolved, conflicts: [] },
            { diffs: false },
          ),
        );
      log.info(
        r.pushed
          ? `pushed ${r.revision.slice(0, 7)} to ${r.repoURL} ${r.branch}`
          : `the fork is up to date at ${r.revision.slice(0, 7)}: no new commit, nothing pushed`,
      );
  }
}

/** The stop, the files, the working copy, and the two commands that go on from here. */
export function conflictText(r: Conflict, argv: readonly string[]): string {
  const same = sameCommand(argv);
  return [
    `✗ the upgrade from ${r.from} to ${r.to} stopped: ${conflictCount(r)}:`,
    ...r.conflicts.map((c) => `    ${c}`),
    ...autoResolvedLines(r),
    '  Nothing was pushed. The merge is waiting for you in a working copy of the fork:',
    `    cd ${r.workDir}`,
    '    # edit each file above (remove the <<<<<<< ||||||| ======= >>>>>>> markers), then: git add <file>',
    `  then continue:  ${TOOL} upgrade ${same} --continue`,
    `  or drop it:     ${TOOL} upgrade ${same} --abort`,
    '',
  ].join('\n');
}

function conflictCount(r: Conflict): string {
  const files = `${r.conflicts.length} file${r.conflicts.length > 1 ? 's' : ''}`;
  return `your changes conflict with upstream's in ${files}`;
}

function autoResolvedLines(r: Conflict): string[] {
  if (r.autoResolved.length === 0) return [];
  const paths = r.autoResolved.map((a) => a.path).join(', ');
  return [
    `  (${r.autoResolved.length} conflict(s) in kubeflow-gitops' own changes were settled automatically: ${paths})`,
  ];
}

/** This run's flags minus --to, quoted for a shell: continue and abort need the same fork flags. */
function sameCommand(argv: readonly string[]): string {
  const args = argv.slice(argv.indexOf('upgrade') + 1);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--to') {
      i++;
      continue;
    }
    if (a.startsWith('--to=')) continue;
    out.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  }
  return out.join(' ');
}

export function upgradeResultJson(r: UpgradeResult): object {
  switch (r.kind) {
    case 'aborted':
      return { status: 'aborted', existed: r.existed };
    case 'conflict':
      return {
        status: 'conflict',
        from: r.from,
        to: r.to,
        conflicts: r.conflicts,
        workDir: r.workDir,
        autoResolved: r.autoResolved,
      };
    default:
      return {
        status: r.kind,
        repoURL: r.repoURL,
        branch: r.branch,
        revision: r.revision,
        committed: r.committed,
        pushed: r.pushed,
        components: r.plan.components.map((c) => ({ ...c, summary: describeChange(c, r.plan.to) })),
        ...upgradeReportToJson({
          from: r.plan.from,
          to: r.plan.to,
          plan: r.plan,
          autoResolved: r.autoResolved,
          conflicts: [],
        }),
      };
  }
}
